//! What the CouchDB part of the team sync page shows.

use super::{plural, Lang};

super::messages! {
    /// Texts without placeholders.
    CouchMsg {
        Title => "通过 CouchDB 服务器实时同步", "Live sync through a CouchDB server";
        Help => "团队人多时，用一台 CouchDB 服务器（放在 NAS 或小型云主机上）实时同步整本账。填写数据库地址，用服务器上的账号登录。", "When the team outgrows change files: live sync of the whole book through a CouchDB server (on a NAS or a small VM). Enter the database's address and log in with your account on the server.";
        Url => "数据库地址", "Database address";
        Name => "用户名", "User name";
        Password => "密码", "Password";
        Connect => "连接并同步", "Connect and sync";
        Connecting => "正在连接…", "Connecting…";
        Syncing => "正在同步…", "Syncing…";
        LoginNeeded => "登录已过期，请重新输入密码。", "The session ended: enter the password again.";
        LogIn => "登录", "Log in";
        OtherTab => "本浏览器的另一个标签页正在同步。", "Another tab of this browser is syncing.";
        SyncNow => "立即同步", "Sync now";
        Disconnect => "断开", "Disconnect";
        Status => "状态", "Status";
        Unreachable => "连不上服务器，请检查地址和网络。", "The server cannot be reached: check the address and the network.";
        Refused => "用户名或密码不对。", "Wrong user name or password.";
        RejectedTitle => "服务器拒绝的更改（仍保留在本机）", "Changes the server refused (kept on this device)";
    }
}

super::phrases! {
    up_to_date(time: &str) => "已是最新（{time}）", "Up to date ({time})";
    offline_retry(seconds: u32) => "离线：{seconds} 秒后重试，更改已保存在本机。", "Offline: trying again in {seconds} s; changes are kept on this device.";
    sync_failed(why: &str) => "同步出错：{why}（稍后重试）", "Sync failed: {why} (trying again shortly)";
    server_said(why: &str) => "服务器回答：{why}", "The server answered: {why}";
    /// Documents received and sent since the page opened.
    couch_moved(received: usize, sent: usize) => "收到 {received} 条更改，发出 {sent} 条", {
        format!("Received {}, sent {}", plural(received, "change", "changes"), plural(sent, "change", "changes"))
    };
    requests_per_batch(n: f64) => "每批 {n:.1} 个请求", "{n:.1} requests per batch";
}
