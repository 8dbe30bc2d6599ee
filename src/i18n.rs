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
        BackupHint => "备份文件包含全部客户、销售人员、团队和设置，可在任何浏览器中恢复。", "A backup holds every customer, rep, team and setting, and restores in any browser.";
        BackupButton => "下载备份", "Download a backup";
        RestoreButton => "从备份恢复…", "Restore from a backup…";
        RestoreConfirm => "恢复将用备份中的 {customers} 位客户、{reps} 位销售人员和 {teams} 个团队替换当前的 {current} 位客户。", "Restoring replaces the current {current} customers with the backup's {customers} customers, {reps} reps and {teams} teams.";
        RestoreGo => "确认恢复", "Restore";
        Restored2 => "已从备份恢复 {n} 位客户", "Restored {n} customers from the backup";
        BackupSaved => "备份已下载", "Backup downloaded";
        LastBackupNever => "尚未备份过数据。", "No backup has been made yet.";
        LastBackupDays => "上次备份在 {n} 天前。", "The last backup was {n} days ago.";
        ErrNotABackup => "这不是口袋CRM的备份文件，或文件已损坏。当前数据未改动。", "This is not a Pocket CRM backup, or it is damaged. Nothing was changed.";
        ErrBackupTooNew => "该备份来自更新版本的口袋CRM，请先更新应用。当前数据未改动。", "This backup comes from a newer Pocket CRM; update the app first. Nothing was changed.";
        ErrBackupCounts => "备份文件不完整（记录数与文件头不符）。当前数据未改动。", "The backup is incomplete (its counts do not match its records). Nothing was changed.";
        ErrBackupRecord => "备份中第 {n} 条记录无效。当前数据未改动。", "Record {n} in the backup is invalid. Nothing was changed.";
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
