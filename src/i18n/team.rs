//! What the team sync page shows (its own chunk).

use super::{plural, Lang};

super::messages! {
    /// Texts without placeholders.
    TeamMsg {
        Title => "团队同步", "Team sync";
        Intro => "没有服务器也能共用一本账：每台设备把自己的更改存成文件，发给同事（微信、邮件或共享网盘），同事再导入。同一个文件导入两次不会重复，网盘的“冲突副本”也一样。", "One book for the team with no server: each device saves its changes as a file and sends it to teammates (WeChat, e-mail or a shared drive), who take it in. Taking the same file in twice changes nothing more, nor does a drive's “conflicted copy”.";
        ThisDevice => "这台设备", "This device";
        UsedBy => "使用者", "Used by";
        DeviceId => "设备编号", "Device";
        ChangeName => "在设置中修改名字", "Change the name in Settings";
        IAm => "我是", "I am";
        NotListed => "（选择账本中的人员）", "(choose from the book's people)";
        RoleRep => "销售", "Rep";
        RoleManager => "经理", "Manager";
        NoPeople => "账本里还没有人员：在“销售目标 → 团队与人员”中添加销售，并为团队指定经理。", "The book has no people yet: add reps under Quotas → Teams and reps, and name each team's manager.";
        SendTitle => "发出我的更改", "Send my changes";
        SendHelp => "保存自上一个更改文件以来这台设备上改过的记录（也包括从同事那里收到的，方便转给其他人）。", "Saves the records changed on this device since its last change file (including those taken in from teammates, so they pass on to the others).";
        SaveFile => "保存更改文件", "Save a change file";
        NothingToSend => "自上一个更改文件以来没有新的更改。", "Nothing has changed since the last change file.";
        TakeTitle => "导入同事的更改", "Take in teammates' changes";
        TakeHelp => "选择一个或多个 pocket-crm-….json 文件。", "Choose one or more pocket-crm-….json files.";
        ChooseFiles => "选择更改文件", "Choose change files";
        Working => "正在导入…", "Taking in…";
        CameInTitle => "收到的更改", "What came in";
        NoneYet => "还没有导入过更改文件。", "No change file taken in yet.";
        NotAChangeFile => "不是口袋CRM的更改文件，未导入。", "Not a Pocket CRM change file; nothing was taken in.";
        OwnFile => "这是本设备自己的更改文件，已跳过。", "This device's own change file; skipped.";
        NothingNew => "没有新内容", "nothing new";
    }
}

super::phrases! {
    /// A change file of a newer version of the app.
    newer_change_file(name: &str) => "{name}：由更新版本的应用写出，请先更新本页面（刷新）。", "{name}: written by a newer version of the app; reload this page to update it first.";
    not_a_change_file(name: &str, why: &str) => "{name}：{why}", "{name}: {why}";
    saved_change_file(name: &str, n: usize) => "已保存 {name}（{n} 条记录）", [n => "Saved {name} ({n} record)", "Saved {name} ({n} records)"];
    /// Who sent a file, from which device, its number.
    came_from(user: &str, device: &str, seq: u64) => "{user}（设备 {device}）第 {seq} 号文件", "{user} (device {device}), file {seq}";
    taken_counts(added: usize, updated: usize, unchanged: usize) => "新增 {added} 条，更新 {updated} 条，{unchanged} 条已是最新",
        "{added} added, {updated} updated, {unchanged} already up to date";
    /// What a file brought: per kind, then the counts.
    came_counts(kinds: &str, counts: &str) => "{kinds}（{counts}）", "{kinds} ({counts})";
    took_in_files(n: usize) => "已导入 {n} 个更改文件", [n => "Took in {n} change file", "Took in {n} change files"];
}

impl Lang {
    /// "客户 3 · 商机 1" / "3 customers · 1 deal".
    pub fn kind_counts(self, by_kind: &[(String, usize)]) -> String {
        let mut parts = Vec::new();
        let mut other = 0;
        for (kind, n) in by_kind {
            match (kind.as_str(), self) {
                ("customer", Lang::Zh) => parts.push(format!("客户 {n}")),
                ("customer", Lang::En) => parts.push(plural(*n, "customer", "customers")),
                ("deal", Lang::Zh) => parts.push(format!("商机 {n}")),
                ("deal", Lang::En) => parts.push(plural(*n, "deal", "deals")),
                _ => other += n,
            }
        }
        if other > 0 {
            parts.push(match self {
                Lang::Zh => format!("其他记录 {other}"),
                Lang::En => plural(other, "other record", "other records"),
            });
        }
        parts.join(" · ")
    }
}
