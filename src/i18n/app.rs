//! What the page's app shows: the shell, the customer archive, settings.

use super::Lang;

super::messages! {
    /// Texts without placeholders.
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
        Undo => "撤销", "Undo";
        Dismiss => "关闭", "Dismiss";
        ProblemRequired => "必填", "Required";
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
        SummaryTitle => "客户概况", "Customer summary";
        ChartByTier => "按客户等级统计客户数", "Customers by tier";
        ChartByRegion => "按地区统计客户数", "Customers by region";
        ChartValueByIndustry => "各行业潜在价值", "Potential value by industry";
        NavData => "导入导出", "Import & export";
        ErrWorker => "后台处理无法启动，请刷新页面重试。", "Background processing could not start; reload the page and try again.";
        BackupDue => "数据只保存在本浏览器中，已超过 7 天未备份。", "Your data lives only in this browser and has not been backed up for over 7 days.";
        BackupNever => "数据只保存在本浏览器中，还没有备份过。", "Your data lives only in this browser and has never been backed up.";
        BackupNowLink => "立即备份", "Back up now";
        AreaLoadFailed => "这部分页面未能加载（可能已离线，或刚发布了新版本）。已保存的数据不受影响。", "This part of the app could not be loaded (offline, or a new version was just published). Your saved data is safe.";
        Retry => "重试", "Try again";
        AssignOpen => "批量分配", "Assign…";
        UpdateReady => "口袋CRM 有新版本可用。", "A new version of Pocket CRM is ready.";
        ChartsUnavailable => "图表暂时无法绘制，请刷新页面重试。", "The charts could not be drawn; reload the page to try again.";
        DownloadSvg => "下载 SVG", "Download SVG";
        DownloadPng => "下载 PNG", "Download PNG";
        Other => "其他", "Other";
        Unknown => "未填写", "Not given";
        ProblemTextTooLong => "内容过长", "The text is too long";
        ErrEntryRepeated => "这条记录已经保存过了。", "This entry was already saved.";
        ErrRecordGone => "找不到这条记录，可能已被删除（也许是在另一个标签页或由同事删除的）。", "This record was not found; it may have been deleted (perhaps in another tab, or by a colleague).";
        ErrNewerVersion => "另一个标签页打开了新版本的口袋CRM。请刷新本页；在此之前本页不会保存任何更改。", "A newer version of Pocket CRM is open in another tab. Reload this page; until then it saves nothing.";
        Reload => "刷新", "Reload";
        SupersededTitle => "被覆盖的修改", "Replaced values";
        EditUndone => "已撤销这次修改", "The change was undone";
        EntryRemoved => "已删除这条记录", "Entry removed";
        EntryBack => "这条记录已恢复", "Entry restored";
        DeleteWithDeals => "删除客户及其销售机会", "Delete the customer and its deals";
        DeleteCloseDeals => "删除客户，进行中的机会关闭为输单", "Delete the customer; close its open deals as lost";
        StorageInfo => "数据只保存在这台设备的浏览器中。", "Data is kept only in this device's browser.";
        ErrNotAccepted => "没有保存：请检查标出的内容。", "Not saved: please check what is marked.";
        ErrUnreadable => "部分已存数据无法读取，为免丢失，暂不能修改。数据保持原样。", "Some stored data could not be read; to lose nothing, no change can be made now. The data is as it was.";
    }
}

super::phrases! {
    customers_count(n: usize) => "共 {n} 位客户", [n => "{n} customer", "{n} customers"];
    deleted_name(name: &str) => "已删除“{name}”", "Deleted “{name}”";
    restored(name: &str) => "已恢复“{name}”", "Restored “{name}”";
    problem_too_long(n: usize) => "不能超过 {n} 个字", [n => "At most {n} character", "At most {n} characters"];
    err_corrupt(key: &str) => "部分已存数据无法读取（{key}）。数据保持原样，未做任何更改。", "Some stored data could not be read ({key}). It has been left exactly as it was; nothing was changed.";
    /// Another writer's change this build could not read (see `Notice::Unreadable`).
    unreadable_change(what: &str) => "另一个标签页或设备保存的一项更改（{what}）无法读取，已重新读取全部已存数据；没有丢失任何内容。",
        "A change saved in another tab or on another device ({what}) could not be read; all stored data was read again, and nothing was lost.";
    demo_loaded(n: usize) => "已加载 {n} 位演示客户", [n => "Loaded {n} demo customer", "Loaded {n} demo customers"];
    /// To the one whose save replaced a value someone else saved meanwhile.
    replaced_theirs(by: &str, field: &str, value: &str) => "你的保存覆盖了 {by} 刚才对“{field}”的修改（原值“{value}”已保留在记录的历史中）。",
        "Your save replaced {by}'s recent change to “{field}” (their value “{value}” is kept in the record's history).";
    /// To the one whose saved value lost to a later save in another tab or on another device.
    yours_replaced(field: &str, record: &str, by: &str, value: &str) => "你对“{record}”的“{field}”的修改已被 {by} 之后保存的修改覆盖；你的值“{value}”保留在记录的历史中。",
        "Your change to “{field}” of “{record}” was replaced by a later one from {by}; your value “{value}” is kept in the record's history.";
    /// A command that no longer held when saved over changes made elsewhere.
    refused_meanwhile(reason: &str) => "没有保存：{reason}（另一个标签页或同事刚刚修改了这些数据）。", "Not saved: {reason} (this data was just changed in another tab or by a colleague).";
    superseded_line(field: &str, value: &str, by: &str, when: &str, won: &str, won_by: &str) => "“{field}”：{by} 于 {when} 保存的“{value}”被 {won_by} 的“{won}”覆盖",
        "“{field}”: “{value}” saved by {by} at {when} was replaced by {won_by}'s “{won}”";
    delete_ask_deals(n: usize) => "该客户有 {n} 个销售机会。删除客户时如何处理它们？",
        [n => "This customer has a deal. What becomes of it?", "This customer has {n} deals. What becomes of them?"];
}
