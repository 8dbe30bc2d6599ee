//! What the import/export page shows (its own wasm module: kept apart so that these texts
//! are not in the first load).

use super::{plural, Lang};

super::messages! {
    /// Texts without placeholders.
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
        LossyText => "部分字符无法识别，已显示为 �。请确认文件编码。", "Some characters could not be read and show as �. Check the file's encoding.";
        MapColumns => "核对列对应关系（已按表头自动识别，可修改）", "Check which column feeds which field (guessed from the headers; change as needed)";
        SkipColumn => "不导入", "Skip column";
        DuplicatesLabel => "重复客户（名称、电话或邮箱相同）", "Duplicates (same name, phone or e-mail)";
        DupSkip => "跳过", "Skip them";
        DupUpdate => "更新已有客户", "Update the existing customer";
        DupKeepBoth => "保留两者", "Keep both";
        CheckButton => "检查数据", "Check rows";
        DownloadBadRows => "下载问题行（含原因）", "Download the problem rows (with reasons)";
        ColRow => "行号", "Row";
        ColColumn => "列", "Column";
        ColCell => "内容", "Value";
        ColReason => "原因", "Reason";
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
        BackupTitle => "完整备份与恢复", "Full backup and restore";
        BackupHint => "备份文件包含全部客户、商机、销售人员、团队、附件和设置，可在任何浏览器中恢复。", "A backup holds every customer, deal, rep, team, attached file and setting, and restores in any browser.";
        BackupButton => "下载备份", "Download a backup";
        RestoreButton => "从备份恢复…", "Restore from a backup…";
        RestoreNoFiles => "备份中没有附件：当前保存的附件将被删除。", "The backup holds no attached files: the files attached now will be removed.";
        RestoreKeepsFiles => "这份备份来自旧版本，不含附件：当前保存的附件保持不变。", "This backup comes from an older version and holds no attached files: the files attached now are kept.";
        RestoreGo => "确认恢复", "Restore";
        BackupBusy => "正在生成备份（包括附件）…", "Making the backup (attached files included)…";
        RestoreChecking => "正在检查备份文件…", "Checking the backup…";
        Restoring => "正在恢复…", "Restoring…";
        BackupSaved => "备份已下载", "Backup downloaded";
        LastBackupNever => "尚未备份过数据。", "No backup has been made yet.";
        LastBackupToday => "今天已备份。", "Backed up today.";
        ErrNotABackup => "这不是口袋CRM的备份文件，或文件已损坏。当前数据未改动。", "This is not a Pocket CRM backup, or it is damaged. Nothing was changed.";
        ErrBackupTooNew => "该备份来自更新版本的口袋CRM，请先更新应用。当前数据未改动。", "This backup comes from a newer Pocket CRM; update the app first. Nothing was changed.";
        ErrBackupCounts => "备份文件不完整（记录数与文件头不符）。当前数据未改动。", "The backup is incomplete (its counts do not match its records). Nothing was changed.";
        ErrBackupTooLarge => "备份文件超过 1 GB，浏览器无法一次读入。当前数据未改动。", "The backup is over 1 GB, more than the browser can read at once. Nothing was changed.";
    }
}

super::phrases! {
    file_summary(file: &str, n: usize, enc: &str) => "{file}：{n} 行数据，编码 {enc}",
        { format!("{file}: {}, encoding {enc}", plural(n, "row", "rows")) };
    import_summary(n: usize) => "可导入 {n} 行", "Rows that can be imported: {n}";
    import_bad_rows(n: usize) => "{n} 行有问题，不会导入", "Rows with problems, not imported: {n}";
    import_duplicates(store: usize, file: usize) => "重复：与已有客户 {store} 行，文件内 {file} 行",
        { format!("Duplicates: {} matching stored customers, {} repeating earlier rows", plural(store, "row", "rows"), plural(file, "row", "rows")) };
    import_plan_line(create: usize, update: usize, skip: usize) => "将新建 {create} 位、更新 {update} 位、跳过 {skip} 行", "Will create {create}, update {update}, skip {skip}";
    import_button(n: usize) => "导入 {n} 位客户", [n => "Import {n} customer", "Import {n} customers"];
    problems_title(n: usize) => "问题明细（前 {n} 条）", "Problems (first {n})";
    import_done(create: usize, update: usize) => "已导入：新建 {create} 位，更新 {update} 位客户",
        { format!("Imported: {} created, {update} updated", plural(create, "customer", "customers")) };
    exported(n: usize) => "已导出 {n} 位客户", [n => "Exported {n} customer", "Exported {n} customers"];
    export_filtered(n: usize) => "导出客户列表当前筛选出的 {n} 位客户。", [n => "Exports the customer the customer list's filters showed.", "Exports the {n} customers the customer list's filters showed."];
    restore_confirm(customers: usize, reps: usize, teams: usize, current: usize) => "恢复将用备份中的 {customers} 位客户、{reps} 位销售人员和 {teams} 个团队替换当前的 {current} 位客户。",
        { format!("Restoring replaces the current {} with the backup's {}, {} and {}.", plural(current, "customer", "customers"), plural(customers, "customer", "customers"), plural(reps, "rep", "reps"), plural(teams, "team", "teams")) };
    restore_files(n: usize, size: &str) => "备份中的 {n} 个附件（{size}）将替换当前保存的附件。", "Attached files in the backup: {n} ({size}). They replace the files attached now.";
    restored2(n: usize) => "已从备份恢复 {n} 位客户", [n => "Restored {n} customer from the backup", "Restored {n} customers from the backup"];
    last_backup_days(n: usize) => "上次备份在 {n} 天前。", [n => "The last backup was {n} day ago.", "The last backup was {n} days ago."];
    err_backup_record(n: usize) => "备份中第 {n} 条记录无效。当前数据未改动。", "Record {n} in the backup is invalid. Nothing was changed.";
    err_backup_file(n: usize) => "备份中第 {n} 个附件无效或与记录对不上。当前数据未改动。", "Attached file {n} in the backup is invalid or belongs to no record. Nothing was changed.";
}
