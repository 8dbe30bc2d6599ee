//! The UI's words in Chinese and English. Every message is declared once with both texts, so a
//! missing translation does not compile. Terms follow the glossary in DOMAIN.md.

use crate::domain::validate::{FieldError, Problem};
use crate::domain::{CommKind, CompanySize, CustomerKind, Intent, Tier};
use crate::store::StoreError;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
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

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A message the UI shows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),+ }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),+];
        }

        impl Lang {
            pub fn t(self, msg: Msg) -> &'static str {
                match (self, msg) {
                    $((Lang::Zh, Msg::$key) => $zh, (Lang::En, Msg::$key) => $en,)+
                }
            }
        }
    };
}

messages! {
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
    ChartsUnavailable => "图表暂时无法绘制，请刷新页面重试。", "The charts could not be drawn; reload the page to try again.";
    Other => "其他", "Other";
    Unknown => "未填写", "Not given";
    StorageInfo => "数据只保存在这台设备的浏览器中。", "Data is kept only in this device's browser.";
}

impl Lang {
    /// A message with `{n}`, `{name}` or `{key}` filled in.
    pub fn fill(self, msg: Msg, name: &str, value: &str) -> String {
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
