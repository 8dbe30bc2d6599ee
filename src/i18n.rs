//! The UI's words in Chinese and English. Every message is declared once with both texts, so a
//! missing translation does not compile. Terms follow the glossary in DOMAIN.md.

use crate::domain::validate::{FieldError, Problem};
use crate::domain::{CommKind, CompanySize, CustomerKind, Intent, Tier};
use crate::store::StoreError;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Chinese for any `zh*` browser language, English otherwise.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }
}

/// A set of UI texts: each enum value has a Chinese and an English text.
pub trait Message: Copy + std::fmt::Debug + 'static {
    fn text(self, lang: Lang) -> &'static str;
}

macro_rules! messages {
    ($(#[$doc:meta])* $name:ident { $($key:ident => $zh:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($key),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key),+];
        }

        impl Message for $name {
            fn text(self, lang: Lang) -> &'static str {
                match (lang, self) {
                    $((Lang::Zh, $name::$key) => $zh, (Lang::En, $name::$key) => $en,)+
                }
            }
        }
    };
}

impl Lang {
    pub fn t(self, msg: impl Message) -> &'static str {
        msg.text(self)
    }
}

messages! {
    /// What the page's app shows.
    Msg {
    AppName => "口袋CRM", "Pocket CRM";
    NavCustomers => "客户档案", "Customers";
    NavPipeline => "销售机会", "Pipeline";
    NavForecast => "销售预测", "Forecast";
    NavQuotas => "销售目标", "Quotas";
    NavAssignment => "客户分配", "Assignment";
    NavRoutes => "拜访路线", "Routes";
    NavReports => "报表", "Reports";
    NavSettings => "设置", "Settings";
    SwitchLanguage => "English", "中文";
    Menu => "菜单", "Menu";
    ComingLater => "这一部分将在后续版本中提供。客户档案已经可以使用。", "This area arrives in a later release. The customer archive works today.";
    Loading => "正在加载…", "Loading…";
    SearchPlaceholder => "搜索名称、联系人、电话", "Search name, contact, phone";
    AllKinds => "全部类型", "All kinds";
    AllIndustries => "全部行业", "All industries";
    AllRegions => "全部地区", "All regions";
    AllOwners => "全部负责人", "All owners";
    Unassigned => "未分配", "Unassigned";
    AllTiers => "全部等级", "All tiers";
    AllIntents => "全部意向", "All intents";
    SortBy => "排序", "Sort";
    Ascending => "升序", "Ascending";
    Descending => "降序", "Descending";
    ClearFilters => "清除筛选", "Clear filters";
    CustomersCount => "共 {n} 位客户", "{n} customers";
    OwnerHistory => "负责人变更", "Owner changes";
    NewCustomer => "新建客户", "New customer";
    EditCustomer => "编辑客户", "Edit customer";
    ShowSummary => "统计图表", "Summary";
    HideSummary => "收起图表", "Hide summary";
    EmptyArchive => "还没有客户。新建一位，或在设置中加载演示数据。", "No customers yet. Add one, or load demo data in Settings.";
    NoMatches => "没有符合条件的客户。", "No customers match.";
    ColName => "客户名称", "Name";
    ColIndustry => "行业", "Industry";
    ColRegion => "地区", "Region";
    ColCity => "城市", "City";
    ColOwner => "负责人", "Owner";
    ColTier => "客户等级", "Tier";
    ColIntent => "合作意向", "Intent";
    ColValue => "潜在价值", "Potential value";
    ColPhone => "电话", "Phone";
    ColUpdated => "最近更新", "Updated";
    Kind => "客户类型", "Kind";
    Size => "公司规模", "Company size";
    NoSize => "未填写", "Not given";
    Address => "地址", "Address";
    Tags => "标签", "Tags";
    TagsHint => "用逗号分隔", "Separate with commas";
    LeadSource => "线索来源", "Lead source";
    Notes => "备注", "Notes";
    Created => "创建于", "Created";
    UpdatedBy => "最近修改", "Last changed";
    Profile => "基本信息", "Profile";
    Contacts => "联系人", "Contacts";
    NoContacts => "还没有联系人。", "No contacts yet.";
    ContactName => "姓名", "Name";
    ContactTitle => "职位", "Title";
    ContactEmail => "邮箱", "Email";
    ContactWechat => "微信", "WeChat";
    AddContact => "添加联系人", "Add contact";
    Remove => "移除", "Remove";
    Transactions => "成交记录", "Transaction history";
    NoTransactions => "还没有成交记录。", "No transactions yet.";
    Date => "日期", "Date";
    Product => "产品", "Product";
    Amount => "金额", "Amount";
    AddTransaction => "添加成交", "Add transaction";
    Communications => "沟通记录", "Communication log";
    NoCommunications => "还没有沟通记录。", "No follow-ups yet.";
    CommType => "方式", "Type";
    CommSummary => "内容", "Summary";
    AddCommunication => "添加跟进", "Add follow-up";
    LifetimeRevenue => "累计成交", "Lifetime revenue";
    LastContacted => "最近联系", "Last contacted";
    Never => "从未", "Never";
    Edit => "编辑", "Edit";
    Delete => "删除", "Delete";
    Save => "保存", "Save";
    Saving => "正在保存…", "Saving…";
    Cancel => "取消", "Cancel";
    Add => "添加", "Add";
    BackToList => "返回客户列表", "Back to customers";
    NotFound => "找不到这位客户，可能已被删除。", "This customer was not found; it may have been deleted.";
    FixMarked => "请修正标出的字段。", "Please fix the marked fields.";
    Saved => "已保存", "Saved";
    DeletedName => "已删除“{name}”", "Deleted “{name}”";
    Undo => "撤销", "Undo";
    Restored => "已恢复“{name}”", "Restored “{name}”";
    Dismiss => "关闭", "Dismiss";
    ProblemRequired => "必填", "Required";
    ProblemTooLong => "不能超过 {n} 个字", "At most {n} characters";
    ProblemPhone => "电话号码格式不正确", "Not a valid phone number";
    ProblemEmail => "邮箱格式不正确", "Not a valid email address";
    ProblemAmount => "请输入金额，如 35000 或 3.5万", "Enter an amount such as 35000 or 3.5万";
    ProblemNegative => "金额不能为负数", "The amount cannot be negative";
    ProblemTooLarge => "金额过大", "The amount is too large";
    ProblemContactName => "联系人需要姓名", "A contact needs a name";
    ProblemDate => "请输入日期，如 2026-03-15", "Enter a date such as 2026-03-15";
    ErrUnavailable => "浏览器不允许本页保存数据（可能处于隐私模式或禁用了存储）。更改不会被保存。", "This browser does not let the page store data (private mode, or storage disabled). Changes cannot be saved.";
    ErrQuota => "存储空间已满，本次更改没有保存，已有数据完好。请释放磁盘空间后重试。", "Storage is full. This change was not saved; everything stored before is intact. Free some disk space and try again.";
    ErrBlocked => "另一个标签页正在使用旧版本的口袋CRM。请关闭其他标签页后刷新。", "Another tab is using an older version of Pocket CRM. Close the other tabs and reload.";
    ErrCorrupt => "部分已存数据无法读取（{key}）。数据保持原样，未做任何更改。", "Some stored data could not be read ({key}). It has been left exactly as it was; nothing was changed.";
    ErrWriteFailed => "保存失败，本次更改没有保存，已有数据完好。", "Saving failed. This change was not saved; everything stored before is intact.";
    ErrGeneric => "操作未完成：", "The action did not complete: ";
    SettingsLanguage => "语言", "Language";
    SettingsUser => "你的名字（记录为修改人）", "Your name (recorded as who changed a record)";
    DefaultUser => "我", "Me";
    DemoData => "演示数据", "Demo data";
    DemoHelp => "生成一套逼真的演示数据（中英文公司、地区、销售代表和历史记录），用于演示或试用。", "Generate a realistic demo data set (Chinese and English companies, regions, reps and histories) to try the app or show it.";
    DemoSize => "客户数量", "Customers";
    LoadDemo => "加载演示数据", "Load demo data";
    DemoReplaceConfirm => "加载演示数据会替换现有的全部数据。继续吗？", "Loading demo data replaces all current data. Continue?";
    DemoLoaded => "已加载 {n} 位演示客户", "Loaded {n} demo customers";
    SummaryTitle => "客户概况", "Customer summary";
    ChartByTier => "按客户等级统计客户数", "Customers by tier";
    ChartByRegion => "按地区统计客户数", "Customers by region";
    ChartValueByIndustry => "各行业潜在价值", "Potential value by industry";
    NavData => "导入导出", "Import & export";
    ErrWorker => "后台处理无法启动，请刷新页面重试。", "Background processing could not start; reload the page and try again.";
    BackupDue => "数据只保存在本浏览器中，已超过 7 天未备份。", "Your data lives only in this browser and has not been backed up for over 7 days.";
    BackupNever => "数据只保存在本浏览器中，还没有备份过。", "Your data lives only in this browser and has never been backed up.";
    BackupNowLink => "立即备份", "Back up now";
    ToolsLoading => "正在加载导入导出工具…", "Loading the import and export tools…";
    ChartsUnavailable => "图表暂时无法绘制，请刷新页面重试。", "The charts could not be drawn; reload the page to try again.";
    Other => "其他", "Other";
    Unknown => "未填写", "Not given";
    StorageInfo => "数据只保存在这台设备的浏览器中。", "Data is kept only in this device's browser.";
    }
}


messages! {
    /// The pipeline: board, deals, stages.
    PipeMsg {
        StagesLink => "阶段设置", "Stages";
        NewDeal => "新建机会", "New deal";
        DealCount => "{n} 个", "{n} deals";
        Weighted => "加权 {amount}", "weighted {amount}";
        ShowMore => "显示更多（还有 {n} 个）", "Show more ({n} left)";
        MoveLeft => "移到上一阶段", "Move to the previous stage";
        MoveRight => "移到下一阶段", "Move to the next stage";
        SearchDeals => "搜索机会或客户", "Search deals or customers";
        NeedsAttention => "只看需要关注的", "Needs attention only";
        Overdue => "已逾期", "Overdue";
        DueSoon => "即将到期", "Closing soon";
        Rotting => "{n} 天无跟进", "{n} days idle";
        ExpiredBadge => "过期", "Expired";
        ExpiredToast => "{n} 个机会超过预计成交日期和宽限期，已自动关闭为输单（过期）。", "{n} deals passed their close date and grace, and were closed as lost (expired).";
        RemindSummary => "提醒：{due} 个即将到期，{overdue} 个已逾期，{rotting} 个长时间无跟进。", "Reminders: {due} closing soon, {overdue} overdue, {rotting} idle too long.";
        Moved => "“{deal}”已移到“{stage}”", "“{deal}” moved to “{stage}”";
        EmptyColumn => "拖动机会到这里", "Drag deals here";
        NoStages => "还没有销售阶段。", "There are no stages yet.";
        DealTitle => "机会名称", "Deal";
        Customer => "客户", "Customer";
        ChooseCustomer => "请选择客户", "Choose a customer";
        Amount => "金额", "Amount";
        Currency => "币种", "Currency";
        ExpectedClose => "预计成交日期", "Expected close";
        Stage => "销售阶段", "Stage";
        Probability => "赢率", "Win probability";
        ProbabilityAuto => "留空则跟随阶段（{n}%）", "Empty follows the stage ({n}%)";
        Difficulty => "难度系数", "Difficulty";
        NextStep => "下一步", "Next step";
        Class => "漏斗分类", "Funnel class";
        Timeline => "时间线", "Timeline";
        Created => "创建于“{stage}”", "Created in “{stage}”";
        StageMoved => "从“{from}”移到“{to}”", "Moved from “{from}” to “{to}”";
        OwnerChanged => "负责人由 {from} 移交给 {to}", "Handed over from {from} to {to}";
        ExpiredEvent => "超过预计成交日期，自动关闭为“{to}”", "Past its close date: closed as “{to}”";
        CloseDateChanged => "预计成交日期由 {from} 改为 {to}", "Expected close moved from {from} to {to}";
        ProbabilitySet => "赢率设为 {n}%", "Win probability set to {n}%";
        ProbabilityCleared => "赢率改为跟随阶段", "Win probability follows the stage again";
        Nobody => "无人", "nobody";
        Activities => "跟进活动", "Activities";
        NoActivities => "还没有跟进活动。", "No activities yet.";
        AddActivity => "记录活动", "Log activity";
        Outcome => "结果", "Outcome";
        Courier => "快递公司", "Courier";
        Tracking => "运单号", "Tracking number";
        QuoteAmount => "报价金额", "Quoted amount";
        HandOverTo => "移交给", "Hand over to";
        HandOver => "移交", "Hand over";
        HandedOver => "已移交给 {name}", "Handed over to {name}";
        HandOverAll => "移交该销售的全部客户和机会", "Hand over all of a rep's customers and deals";
        HandOverFrom => "离职或调岗的销售", "Rep leaving";
        HandOverAllDone => "已将 {deals} 个机会和 {customers} 位客户移交给 {name}", "Handed {deals} deals and {customers} customers to {name}";
        Extend => "延期 30 天", "Extend 30 days";
        DealNotFound => "找不到这个机会，可能已被删除。", "This deal was not found; it may have been deleted.";
        DealDeleted => "已删除机会“{name}”", "Deleted deal “{name}”";
        DealSaved => "机会已保存", "Deal saved";
        CustomerDeals => "销售机会", "Deals";
        NoDeals => "还没有销售机会。", "No deals yet.";
        StagesTitle => "销售阶段设置", "Pipeline stages";
        StagesHint => "阶段按顺序排列。赢率是该阶段机会的默认成交可能性；漏斗分类用于 A/B/C/D 漏斗与预测。", "Stages in order. The probability is a deal's default chance in that stage; the class places it in the A/B/C/D funnel and forecast.";
        StageName => "阶段名称", "Stage name";
        StageProbability => "默认赢率 %", "Default probability %";
        StageKind => "类型", "Type";
        OutcomeOpen => "进行中", "Open";
        OutcomeWon => "赢单", "Won";
        OutcomeLost => "输单", "Lost";
        RottingDays => "无跟进提醒（天，0 为不提醒）", "Idle alert (days, 0 for none)";
        AddStage => "添加阶段", "Add stage";
        NewStageName => "新阶段", "New stage";
        MoveUp => "上移", "Move up";
        MoveDown => "下移", "Move down";
        RemoveStage => "删除阶段", "Remove stage";
        RemoveAsk => "“{stage}”中有 {n} 个机会。删除前，把它们移到：", "“{stage}” holds {n} deals. Before removing it, move them to:";
        RemoveGo => "移走并删除", "Move and remove";
        GraceDays => "过期宽限（天）", "Grace after close date (days)";
        RemindDays => "提前提醒（天）", "Remind before close (days)";
        LeadSources => "线索来源（每行一个）", "Lead sources (one per line)";
        StagesSaved => "阶段设置已保存", "Stages saved";
        StageRemoved => "已删除阶段“{stage}”，其中的机会已移到“{to}”", "Removed “{stage}”; its deals moved to “{to}”";
        ErrUnnamedStage => "第 {n} 个阶段没有名称", "Stage {n} has no name";
        ErrProbability => "第 {n} 个阶段的赢率超过 100%", "Stage {n}: probability over 100%";
        ErrRepeated => "第 {n} 个阶段重复", "Stage {n} is repeated";
        ErrMissingOutcome => "至少需要一个“{outcome}”阶段", "At least one “{outcome}” stage is needed";
        ErrStageInUse => "仍有机会处于被删除的阶段，请用“删除阶段”移走它们", "Deals are still in a removed stage; use “Remove stage” to move them";
        ErrTitleRequired => "请填写机会名称", "Enter the deal's name";
        ErrTitleTooLong => "机会名称过长", "The deal's name is too long";
        ErrUnknownCustomer => "请选择客户", "Choose a customer";
        ErrUnknownStage => "请选择阶段", "Choose a stage";
        ErrProbabilityOver100 => "赢率应在 0 到 100 之间", "Probability must be 0 to 100";
        ErrDifficulty => "难度系数应在 0.1 到 10 之间", "Difficulty must be between 0.1 and 10";
        ErrAmount => "金额无效", "The amount is not valid";
        ErrNumber => "请输入整数", "Enter a whole number";
        ClassA => "A类 即将成交", "A about to close";
        ClassB => "B类 有购买意向", "B intent to buy";
        ClassC => "C类 初步信任", "C initial trust";
        ClassD => "D类 潜在", "D potential";
        ActCall => "电话", "Call";
        ActVisit => "拜访", "Visit";
        ActMeeting => "会议", "Meeting";
        ActEmail => "邮件", "Email";
        ActSample => "寄样", "Sample sent";
        ActQuotation => "报价", "Quotation";
        ActNote => "备注", "Note";
        Report => "无跟进关闭的机会", "Deals closed without follow-up";
        ReportHint => "已赢单、输单或过期关闭，却没有任何跟进活动的机会，按负责人统计。", "Deals won, lost or expired without a single activity, per owner.";
        ReportNone => "没有无跟进就关闭的机会。", "No deal closed without follow-up.";
        ViewBoard => "看板", "Board";
        ViewList => "列表", "List";
        StatusOpen => "进行中的", "Open";
        StatusWon => "已赢单", "Won";
        StatusLost => "已输单", "Lost";
        StatusAll => "全部状态", "Any status";
        AllStages => "全部阶段", "All stages";
        ColWeighted => "加权金额", "Weighted";
        ColProbability => "赢率", "Win %";
        ColIdle => "未跟进", "Idle";
        IdleDays => "{n} 天", "{n} d";
        ListSummary => "{n} 个机会 · 合计 {total} · 加权 {weighted}", "{n} deals · total {total} · weighted {weighted}";
        NoDealsMatch => "没有符合条件的机会。", "No deal matches.";
        NotifyEnable => "在浏览器中提醒我", "Remind me in the browser";
        NotifyBlocked => "浏览器已阻止通知；可在浏览器设置中允许。", "The browser blocks notifications; allow them in its settings.";
        NotifyTitle => "口袋CRM 销售提醒", "Pocket CRM reminders";
        Attach => "附件（单个不超过 5 MB）", "Attach files (up to 5 MB each)";
        FileTooLarge => "“{name}”超过 5 MB，没有保存。请压缩或拆分后再添加。", "“{name}” is over 5 MB and was not saved. Compress or split it first.";
        FileEmpty => "“{name}”是空文件，没有保存。", "“{name}” is empty and was not saved.";
        FileUnreadable => "无法读取“{name}”，没有保存。", "“{name}” could not be read and was not saved.";
        FilesUnreadable => "附件无法读取：{reason}", "Attachments could not be read: {reason}";
        AssignOpen => "批量分配", "Assign…";
        AssignDealsAsk => "把当前显示的 {n} 个机会分配给", "Give the {n} deals shown to";
        AssignCustomersAsk => "把当前显示的 {n} 位客户分配给", "Give the {n} customers shown to";
        AssignSpread => "全部在职销售，平均分配（{n} 人）", "All active reps, evenly ({n})";
        AssignReason => "每人分得相同数量，余下的先给目前负责最少的销售。", "Each rep gets the same number; any left over go first to those holding least now.";
        AssignPlan => "分配方案：{plan}", "Plan: {plan}";
        AssignGo => "分配", "Assign";
        AssignDone => "已分配 {n} 条：{plan}", "Assigned {n}: {plan}";
        AssignUndone => "已撤销这次分配", "The assignment was undone";
        AssignNothing => "没有可分配的记录。", "Nothing to assign.";
    }
}

impl Lang {
    pub fn funnel_class(self, class: crate::domain::FunnelClass) -> &'static str {
        use crate::domain::FunnelClass::*;
        self.t(match class {
            A => PipeMsg::ClassA,
            B => PipeMsg::ClassB,
            C => PipeMsg::ClassC,
            D => PipeMsg::ClassD,
        })
    }

    pub fn stage_outcome(self, outcome: crate::domain::StageOutcome) -> &'static str {
        use crate::domain::StageOutcome::*;
        self.t(match outcome {
            Open => PipeMsg::OutcomeOpen,
            Won => PipeMsg::OutcomeWon,
            Lost => PipeMsg::OutcomeLost,
        })
    }

    pub fn activity(self, kind: crate::domain::ActivityKind) -> &'static str {
        use crate::domain::ActivityKind::*;
        self.t(match kind {
            Call => PipeMsg::ActCall,
            Visit => PipeMsg::ActVisit,
            Meeting => PipeMsg::ActMeeting,
            Email => PipeMsg::ActEmail,
            Sample => PipeMsg::ActSample,
            Quotation => PipeMsg::ActQuotation,
            Note => PipeMsg::ActNote,
        })
    }

    pub fn deal_problem(self, problem: crate::domain::pipeline::DealProblem) -> &'static str {
        use crate::domain::pipeline::DealProblem::*;
        self.t(match problem {
            TitleRequired => PipeMsg::ErrTitleRequired,
            TitleTooLong => PipeMsg::ErrTitleTooLong,
            UnknownCustomer => PipeMsg::ErrUnknownCustomer,
            UnknownStage => PipeMsg::ErrUnknownStage,
            ProbabilityOver100 => PipeMsg::ErrProbabilityOver100,
            Difficulty => PipeMsg::ErrDifficulty,
            AmountTooLarge => PipeMsg::ErrAmount,
        })
    }

    pub fn pipeline_problem(self, problem: crate::domain::pipeline::PipelineProblem) -> String {
        use crate::domain::pipeline::PipelineProblem::*;
        match problem {
            UnnamedStage(i) => self.fill(PipeMsg::ErrUnnamedStage, "n", &(i + 1).to_string()),
            ProbabilityOver100(i) => self.fill(PipeMsg::ErrProbability, "n", &(i + 1).to_string()),
            RepeatedStage(i) => self.fill(PipeMsg::ErrRepeated, "n", &(i + 1).to_string()),
            Missing(outcome) => self.fill(PipeMsg::ErrMissingOutcome, "outcome", self.stage_outcome(outcome)),
        }
    }

    /// A domain refusal in words (field problems of customers are shown by their forms).
    pub fn domain_error(self, error: &crate::domain::DomainError) -> String {
        use crate::domain::DomainError::*;
        match error {
            Deal(problems) => problems.iter().map(|p| self.deal_problem(*p)).collect::<Vec<_>>().join("；"),
            Pipeline(problems) => problems.iter().map(|p| self.pipeline_problem(*p)).collect::<Vec<_>>().join("；"),
            StageInUse(_) => self.t(PipeMsg::ErrStageInUse).to_owned(),
            Invalid(errors) => errors.iter().map(|e| self.problem(e)).collect::<Vec<_>>().join("；"),
            NotFound(_) | AlreadyExists(_) | NilId => self.t(PipeMsg::DealNotFound).to_owned(),
        }
    }
}

messages! {
    /// What the import/export page (its own module) shows: kept apart so that its texts are
    /// not in the first load.
    ToolMsg {
        DataTitle => "导入、导出与备份", "Import, export and backup";
        ImportTitle => "从 Excel 或 CSV 导入客户", "Import customers from Excel or CSV";
        ImportHint => "选择或拖入 .xlsx / .csv 文件（支持 UTF-8、GBK、UTF-16 编码）。第一行为表头。", "Choose or drop an .xlsx or .csv file (UTF-8, GBK or UTF-16). The first row holds the headers.";
        ChooseFile => "选择文件", "Choose a file";
        DropHere => "或将文件拖到这里", "or drop it here";
        ReadingFile => "正在读取文件…", "Reading the file…";
        CheckingRows => "正在检查数据…", "Checking rows…";
        FindingDuplicates => "正在查找重复客户…", "Looking for duplicates…";
        SavingImport => "正在保存…", "Saving…";
        FileSummary => "{file}：{n} 行数据，编码 {enc}", "{file}: {n} rows, encoding {enc}";
        LossyText => "部分字符无法识别，已显示为 �。请确认文件编码。", "Some characters could not be read and show as �. Check the file's encoding.";
        MapColumns => "核对列对应关系（已按表头自动识别，可修改）", "Check which column feeds which field (guessed from the headers; change as needed)";
        SkipColumn => "不导入", "Skip column";
        DuplicatesLabel => "重复客户（名称、电话或邮箱相同）", "Duplicates (same name, phone or e-mail)";
        DupSkip => "跳过", "Skip them";
        DupUpdate => "更新已有客户", "Update the existing customer";
        DupKeepBoth => "保留两者", "Keep both";
        CheckButton => "检查数据", "Check rows";
        ImportSummary => "可导入 {n} 行", "Rows that can be imported: {n}";
        ImportBadRows => "{n} 行有问题，不会导入", "Rows with problems, not imported: {n}";
        ImportDuplicates => "重复：与已有客户 {store} 行，文件内 {file} 行", "Duplicates: {store} rows match stored customers, {file} repeat earlier rows";
        ImportPlanLine => "将新建 {create} 位、更新 {update} 位、跳过 {skip} 行", "Will create {create}, update {update}, skip {skip}";
        ImportButton => "导入 {n} 位客户", "Import {n} customers";
        DownloadBadRows => "下载问题行（含原因）", "Download the problem rows (with reasons)";
        ProblemsTitle => "问题明细（前 {n} 条）", "Problems (first {n})";
        ColRow => "行号", "Row";
        ColColumn => "列", "Column";
        ColCell => "内容", "Value";
        ColReason => "原因", "Reason";
        ImportDone => "已导入：新建 {create} 位，更新 {update} 位客户", "Imported: {create} customers created, {update} updated";
        NothingToImport => "没有可导入的行。", "There are no rows to import.";
        ReasonUnknownKind => "客户类型无法识别（应为 企业客户 / 个人客户）", "Unknown kind (use Organisation or Individual)";
        ReasonUnknownIntent => "合作意向无法识别（应为 高 / 中 / 低）", "Unknown intent (use High, Medium or Low)";
        ReasonUnknownTier => "客户等级无法识别", "Unknown tier";
        ReasonUnknownSize => "规模无法识别", "Unknown company size";
        ReasonUnknownOwner => "负责人不是已知的销售人员", "Owner is not a known rep";
        ReasonBadDate => "日期格式无法识别（应为 2026-03-15）", "Date in an unknown format (use 2026-03-15)";
        ReasonIncompleteDeal => "成交记录需要日期和金额", "A deal needs both a date and an amount";
        ErrFileEmpty => "文件是空的，或没有表头行。", "The file is empty or has no header row.";
        ErrFileTooLarge => "文件太大（超过 64 MB），请拆分后再导入。", "The file is too large (over 64 MB); split it and import the parts.";
        ErrFileUnreadable => "无法读取该文件。请另存为 .xlsx 或 .csv 后重试（不支持旧版 .xls）。", "This file cannot be read. Save it as .xlsx or .csv and try again (old .xls is not supported).";
        ExportTitle => "导出", "Export";
        ExportCsv => "导出 CSV", "Export CSV";
        ExportXlsx => "导出 Excel", "Export Excel";
        ExportAllHint => "导出全部客户。在客户列表中可按当前筛选导出。", "Exports every customer. The customer list exports what its filters show.";
        Exported => "已导出 {n} 位客户", "Exported {n} customers";
        ExportFiltered => "导出客户列表当前筛选出的 {n} 位客户。", "Exports the {n} customers the customer list's filters showed.";
        BackupTitle => "完整备份与恢复", "Full backup and restore";
        BackupHint => "备份文件包含全部客户、商机、销售人员、团队、附件和设置，可在任何浏览器中恢复。", "A backup holds every customer, deal, rep, team, attached file and setting, and restores in any browser.";
        BackupButton => "下载备份", "Download a backup";
        RestoreButton => "从备份恢复…", "Restore from a backup…";
        RestoreConfirm => "恢复将用备份中的 {customers} 位客户、{reps} 位销售人员和 {teams} 个团队替换当前的 {current} 位客户。", "Restoring replaces the current {current} customers with the backup's {customers} customers, {reps} reps and {teams} teams.";
        RestoreFiles => "备份中的 {n} 个附件（{size}）将替换当前保存的附件。", "Attached files in the backup: {n} ({size}). They replace the files attached now.";
        RestoreNoFiles => "备份中没有附件：当前保存的附件将被删除。", "The backup holds no attached files: the files attached now will be removed.";
        RestoreKeepsFiles => "这份备份来自旧版本，不含附件：当前保存的附件保持不变。", "This backup comes from an older version and holds no attached files: the files attached now are kept.";
        RestoreGo => "确认恢复", "Restore";
        BackupBusy => "正在生成备份（包括附件）…", "Making the backup (attached files included)…";
        RestoreChecking => "正在检查备份文件…", "Checking the backup…";
        Restoring => "正在恢复…", "Restoring…";
        Restored2 => "已从备份恢复 {n} 位客户", "Restored {n} customers from the backup";
        BackupSaved => "备份已下载", "Backup downloaded";
        LastBackupNever => "尚未备份过数据。", "No backup has been made yet.";
        LastBackupToday => "今天已备份。", "Backed up today.";
        LastBackupDays => "上次备份在 {n} 天前。", "The last backup was {n} days ago.";
        ErrNotABackup => "这不是口袋CRM的备份文件，或文件已损坏。当前数据未改动。", "This is not a Pocket CRM backup, or it is damaged. Nothing was changed.";
        ErrBackupTooNew => "该备份来自更新版本的口袋CRM，请先更新应用。当前数据未改动。", "This backup comes from a newer Pocket CRM; update the app first. Nothing was changed.";
        ErrBackupCounts => "备份文件不完整（记录数与文件头不符）。当前数据未改动。", "The backup is incomplete (its counts do not match its records). Nothing was changed.";
        ErrBackupRecord => "备份中第 {n} 条记录无效。当前数据未改动。", "Record {n} in the backup is invalid. Nothing was changed.";
        ErrBackupTooLarge => "备份文件超过 1 GB，浏览器无法一次读入。当前数据未改动。", "The backup is over 1 GB, more than the browser can read at once. Nothing was changed.";
        ErrBackupFile => "备份中第 {n} 个附件无效或与记录对不上。当前数据未改动。", "Attached file {n} in the backup is invalid or belongs to no record. Nothing was changed.";
    }
}

impl Lang {
    /// A message with `{n}`, `{name}` or `{key}` filled in.
    pub fn fill(self, msg: impl Message, name: &str, value: &str) -> String {
        self.t(msg).replace(&format!("{{{name}}}"), value)
    }

    pub fn tier(self, tier: Tier) -> &'static str {
        match (self, tier) {
            (Lang::Zh, Tier::Strategic) => "战略客户",
            (Lang::Zh, Tier::Key) => "重点客户",
            (Lang::Zh, Tier::Regular) => "普通客户",
            (Lang::Zh, Tier::Prospect) => "潜在客户",
            (Lang::En, Tier::Strategic) => "Strategic",
            (Lang::En, Tier::Key) => "Key",
            (Lang::En, Tier::Regular) => "Regular",
            (Lang::En, Tier::Prospect) => "Prospect",
        }
    }

    pub fn intent(self, intent: Intent) -> &'static str {
        match (self, intent) {
            (Lang::Zh, Intent::High) => "高",
            (Lang::Zh, Intent::Medium) => "中",
            (Lang::Zh, Intent::Low) => "低",
            (Lang::En, Intent::High) => "High",
            (Lang::En, Intent::Medium) => "Medium",
            (Lang::En, Intent::Low) => "Low",
        }
    }

    pub fn kind(self, kind: CustomerKind) -> &'static str {
        match (self, kind) {
            (Lang::Zh, CustomerKind::Organisation) => "企业客户",
            (Lang::Zh, CustomerKind::Individual) => "个人客户",
            (Lang::En, CustomerKind::Organisation) => "Organisation",
            (Lang::En, CustomerKind::Individual) => "Individual",
        }
    }

    pub fn size(self, size: CompanySize) -> &'static str {
        match (self, size) {
            (Lang::Zh, CompanySize::Micro) => "1-9人",
            (Lang::Zh, CompanySize::Small) => "10-49人",
            (Lang::Zh, CompanySize::Medium) => "50-249人",
            (Lang::Zh, CompanySize::Large) => "250人以上",
            (Lang::En, CompanySize::Micro) => "1-9 staff",
            (Lang::En, CompanySize::Small) => "10-49 staff",
            (Lang::En, CompanySize::Medium) => "50-249 staff",
            (Lang::En, CompanySize::Large) => "250+ staff",
        }
    }

    pub fn comm(self, kind: CommKind) -> &'static str {
        match (self, kind) {
            (Lang::Zh, CommKind::Call) => "电话",
            (Lang::Zh, CommKind::Visit) => "拜访",
            (Lang::Zh, CommKind::Meeting) => "会议",
            (Lang::Zh, CommKind::Email) => "邮件",
            (Lang::Zh, CommKind::WeChat) => "微信",
            (Lang::Zh, CommKind::Other) => "其他",
            (Lang::En, CommKind::Call) => "Call",
            (Lang::En, CommKind::Visit) => "Visit",
            (Lang::En, CommKind::Meeting) => "Meeting",
            (Lang::En, CommKind::Email) => "Email",
            (Lang::En, CommKind::WeChat) => "WeChat",
            (Lang::En, CommKind::Other) => "Other",
        }
    }

    /// The message for a field problem, shown beside the field.
    pub fn problem(self, error: &FieldError) -> String {
        match error.problem {
            Problem::Required => self.t(Msg::ProblemRequired).to_owned(),
            Problem::TooLong { max } => self.fill(Msg::ProblemTooLong, "n", &max.to_string()),
            Problem::InvalidPhone => self.t(Msg::ProblemPhone).to_owned(),
            Problem::InvalidEmail => self.t(Msg::ProblemEmail).to_owned(),
            Problem::InvalidAmount => self.t(Msg::ProblemAmount).to_owned(),
            Problem::NegativeAmount => self.t(Msg::ProblemNegative).to_owned(),
            Problem::AmountTooLarge => self.t(Msg::ProblemTooLarge).to_owned(),
            Problem::ContactWithoutName => self.t(Msg::ProblemContactName).to_owned(),
        }
    }

    /// Why an import row was refused.
    pub fn import_reason(self, reason: &crate::io::import::Reason) -> String {
        use crate::io::import::Reason;
        match reason {
            Reason::Field(problem) => self.problem(&FieldError { field: crate::domain::validate::Field::Name, problem: *problem }),
            Reason::UnknownKind => self.t(ToolMsg::ReasonUnknownKind).to_owned(),
            Reason::UnknownIntent => self.t(ToolMsg::ReasonUnknownIntent).to_owned(),
            Reason::UnknownTier => self.t(ToolMsg::ReasonUnknownTier).to_owned(),
            Reason::UnknownSize => self.t(ToolMsg::ReasonUnknownSize).to_owned(),
            Reason::UnknownOwner => self.t(ToolMsg::ReasonUnknownOwner).to_owned(),
            Reason::BadDate => self.t(ToolMsg::ReasonBadDate).to_owned(),
            Reason::IncompleteDeal => self.t(ToolMsg::ReasonIncompleteDeal).to_owned(),
        }
    }

    /// Why a file could not be opened.
    pub fn table_error(self, error: &crate::io::table::TableError) -> &'static str {
        use crate::io::table::TableError;
        match error {
            TableError::Empty => self.t(ToolMsg::ErrFileEmpty),
            TableError::TooLarge { .. } => self.t(ToolMsg::ErrFileTooLarge),
            TableError::Unreadable(_) => self.t(ToolMsg::ErrFileUnreadable),
        }
    }

    /// Why a backup cannot be restored.
    pub fn backup_error(self, error: &crate::io::backup::BackupError) -> String {
        use crate::io::backup::BackupError;
        match error {
            BackupError::NotABackup => self.t(ToolMsg::ErrNotABackup).to_owned(),
            BackupError::TooNew { .. } => self.t(ToolMsg::ErrBackupTooNew).to_owned(),
            BackupError::CountsDiffer => self.t(ToolMsg::ErrBackupCounts).to_owned(),
            BackupError::BadRecord { kind, index } if kind == "file" => self.fill(ToolMsg::ErrBackupFile, "n", &(index + 1).to_string()),
            BackupError::BadRecord { index, .. } => self.fill(ToolMsg::ErrBackupRecord, "n", &(index + 1).to_string()),
        }
    }

    /// Fills several `{key}` placeholders.
    pub fn fill_all(self, msg: impl Message, pairs: &[(&str, String)]) -> String {
        let mut text = self.t(msg).to_owned();
        for (key, value) in pairs {
            text = text.replace(&format!("{{{key}}}"), value);
        }
        text
    }

    /// What a user is told when the store refuses.
    pub fn store_error(self, error: &StoreError) -> String {
        match error {
            StoreError::Unavailable(_) => self.t(Msg::ErrUnavailable).to_owned(),
            StoreError::QuotaExceeded => self.t(Msg::ErrQuota).to_owned(),
            StoreError::Blocked => self.t(Msg::ErrBlocked).to_owned(),
            StoreError::Corrupt { key, .. } => self.fill(Msg::ErrCorrupt, "key", key),
            StoreError::WriteFailed(_) => self.t(Msg::ErrWriteFailed).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_distinct_non_empty_texts_in_both_languages() {
        for &msg in Msg::ALL {
            let (zh, en) = (Lang::Zh.t(msg), Lang::En.t(msg));
            assert!(!zh.is_empty() && !en.is_empty(), "{msg:?}");
            if msg != Msg::AppName {
                assert!(zh.chars().any(|c| c as u32 >= 0x2e80) || msg == Msg::SwitchLanguage, "{msg:?} zh text has no Chinese: {zh}");
            }
            assert_eq!(zh.contains("{n}"), en.contains("{n}"), "{msg:?} placeholders differ");
        }
        for &msg in ToolMsg::ALL {
            let (zh, en) = (Lang::Zh.t(msg), Lang::En.t(msg));
            assert!(zh.chars().any(|c| c as u32 >= 0x2e80) && !en.is_empty(), "{msg:?}");
            let holes = |t: &str| t.split('{').skip(1).filter_map(|p| p.split_once('}')).map(|(k, _)| k.to_owned()).collect::<Vec<_>>();
            let (mut hz, mut he) = (holes(zh), holes(en));
            hz.sort();
            he.sort();
            assert_eq!(hz, he, "{msg:?} placeholders differ");
        }
    }

    #[test]
    fn browser_language_picks_the_ui_language() {
        assert_eq!(Lang::from_code("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_code("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("de"), Lang::En);
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(Lang::En.fill(Msg::CustomersCount, "n", "12"), "12 customers");
        assert_eq!(Lang::Zh.fill(Msg::DeletedName, "name", "恒达"), "已删除“恒达”");
        let quota = Lang::Zh.store_error(&StoreError::QuotaExceeded);
        assert!(quota.contains("存储空间已满"));
    }
}
