//! What the shared-folder card of the team sync page says.

use super::{plural, Lang};

super::messages! {
    /// Texts without placeholders.
    FolderMsg {
        Title => "通过共享文件夹同步（网盘）", "Sync through a shared folder (cloud drive)";
        Help => "选一个团队网盘（坚果云、OneDrive、Dropbox 等）同步的文件夹：本设备的更改自动写成更改文件放进去，队友的文件自动导入。每台设备只写自己的文件，不会互相覆盖。", "Choose a folder your team's cloud drive syncs (OneDrive, Dropbox, Nutstore...): this device writes its changes there as change files and takes in its teammates' files by itself. Each device only writes its own files, so nobody overwrites anybody.";
        NoApi => "此浏览器不能直接使用文件夹（Chrome 和 Edge 可以）：请用上面的“保存更改文件”和“选择更改文件”收发文件。", "This browser cannot use a folder directly (Chrome and Edge can): send and take in files with the buttons above.";
        Choose => "选择文件夹", "Choose a folder";
        ChooseOther => "换一个文件夹", "Choose another folder";
        Folder => "文件夹", "Folder";
        Status => "状态", "Status";
        Allow => "允许访问文件夹", "Allow access to the folder";
        AllowHelp => "浏览器需要你再次允许本页读写这个文件夹。", "The browser needs your permission again to read and write this folder.";
        Working => "正在同步文件夹…", "Syncing the folder…";
        OtherTab => "本浏览器的另一个标签页正在同步文件夹。", "Another tab of this browser is syncing the folder.";
        SyncNow => "立即同步", "Sync now";
        StopUsing => "不再使用此文件夹", "Stop using this folder";
        Gone => "找不到这个文件夹了（被移动或删除）：请重新选择。", "The folder cannot be found (moved or deleted): choose it again.";
        Denied => "没有得到读写这个文件夹的许可。", "No permission to read and write this folder.";
        Full => "磁盘已满，更改文件没有写入；本机数据未受影响。", "The disk is full: the change file was not written; nothing on this device was lost.";
    }
}

super::phrases! {
    /// When the folder was last synced, and what that round did.
    folder_synced(time: &str, wrote: usize, took: usize) => "{time} 同步：写入 {wrote} 条更改，导入 {took} 个文件", {
        format!("Synced at {time}: wrote {}, took in {}", plural(wrote, "change", "changes"), plural(took, "file", "files"))
    };
    folder_failed(why: &str) => "文件夹同步出错：{why}（稍后重试）", "Folder sync failed: {why} (trying again shortly)";
}
