//! The wording of archive errors, for the clerk: why the archive could not be used, what
//! was (not) stored, and what to do.

use crate::lang::Lang;

/// Why the archive could not be used, what was (not) stored, and what to do; `backups` is
/// the workspace's backups folder, `unit_name` a unit's roster name by code.
pub(super) fn archive_error(
    e: &super::ArchiveError,
    lang: Lang,
    backups: &std::path::Path,
    unit_name: &dyn Fn(&str) -> Option<String>,
) -> String {
    use super::ArchiveError as E;
    use rusqlite::ErrorCode as C;
    let zh = lang == Lang::Zh;
    // "Restore from the newest backup": name it when there is one.
    let restore = |path: &std::path::Path| match super::backup::newest(backups, path) {
        Some(newest) if zh => format!(
            "从最新备份恢复：将 {} 复制为 {}",
            newest.display(),
            path.display()
        ),
        Some(newest) => format!(
            "restore the newest backup: copy {} to {}",
            newest.display(),
            path.display()
        ),
        None if zh => format!(
            "从最新备份恢复（备份文件夹 {} 中暂无备份）",
            backups.display()
        ),
        None => format!(
            "restore it from your newest backup (the backups folder {} holds none)",
            backups.display()
        ),
    };
    let nothing_written = if zh {
        "本命令未输出任何文件"
    } else {
        "no output file was written"
    };
    match e {
        E::Missing { path } if zh => format!(
            "档案库 {} 不存在，{nothing_written}。请先运行 tongbao ingest 入库报表；如档案库本应有数据，请{}",
            path.display(),
            restore(path)
        ),
        E::Missing { path } => format!(
            "there is no archive at {}; {nothing_written}. Run `tongbao ingest` first; if the archive should hold returns, {}",
            path.display(),
            restore(path)
        ),
        E::Empty { path } if zh => format!(
            "档案库 {} 是空的（0 字节或没有数据表），可能已被清空或损坏，{nothing_written}。请先运行 tongbao ingest 入库报表；如档案库本应有数据，请{}",
            path.display(),
            restore(path)
        ),
        E::Empty { path } => format!(
            "the archive {} is empty (0 bytes or no tables): it may have been wiped or damaged; {nothing_written}. Run `tongbao ingest` first; if the archive should hold returns, {}",
            path.display(),
            restore(path)
        ),
        E::Lost { path, newest } if zh => format!(
            "档案库 {} 不存在或是空的，但备份文件夹中有它的备份（最新：{}）；为免在丢失的档案库上另起新库，本次未入库任何文件。请将最新备份复制为 {} 后重试；确要新建档案库，请先移走备份文件夹 {}",
            path.display(),
            newest.display(),
            path.display(),
            backups.display()
        ),
        E::Lost { path, newest } => format!(
            "the archive {} is missing or empty, but the backups folder holds copies of it (newest: {}); nothing was stored, so that a fresh archive is not started over the lost one. Copy the newest backup to {} and try again; to start a new archive on purpose, move the backups folder {} away first",
            path.display(),
            newest.display(),
            path.display(),
            backups.display()
        ),
        E::Mismatch {
            path,
            unit_code,
            period,
            version,
            file_name,
        } => {
            let code = unit_code.as_deref().unwrap_or("?");
            let unit = match unit_name(code) {
                Some(name) => format!("{name}（{code}）"),
                None => code.to_string(),
            };
            let period = period.map_or_else(|| "?".to_string(), |p| p.to_string());
            let version = version.map_or_else(|| "?".to_string(), |v| v.to_string());
            if zh {
                format!(
                    "档案库 {} 中 {unit} {period} 第 {version} 版报表（{file_name}）的数据与入库时的校验和不符：档案库已被改动或损坏，{nothing_written}。请运行 tongbao verify 查看全部不符之处，并{}",
                    path.display(),
                    restore(path)
                )
            } else {
                format!(
                    "in the archive {}, the return of {unit} for {period}, version {version} ({file_name}) no longer matches the checksum stored with it: the archive was altered or damaged; {nothing_written}. Run `tongbao verify` to see every mismatch, and {}",
                    path.display(),
                    restore(path)
                )
            }
        }
        E::Busy { path, waited } if zh => format!(
            "档案库 {} 正被另一个 tongbao 进程写入，等待 {waited} 秒后仍未释放；未做任何改动，请等它结束后重试",
            path.display()
        ),
        E::Busy { path, waited } => format!(
            "the archive {} is in use by another tongbao process (waited {waited} s); nothing was changed: try again when it has finished",
            path.display()
        ),
        E::TooNew {
            path,
            found,
            supported,
        } if zh => format!(
            "档案库 {} 的版本（{found}）比本程序支持的（{supported}）新；未做任何改动，请升级 tongbao",
            path.display()
        ),
        E::TooNew {
            path,
            found,
            supported,
        } => format!(
            "the archive {} has schema version {found}, newer than this tongbao supports ({supported}); nothing was changed: upgrade tongbao",
            path.display()
        ),
        E::Lock { path, source } if zh => format!(
            "无法使用档案库锁文件 {}（{}）；未做任何改动，请检查该文件夹是否可写",
            path.display(),
            crate::messages::io_reason(source, lang)
        ),
        E::Lock { path, source } => format!(
            "cannot use the archive's lock file {} ({source}); nothing was changed: check that the folder is writable",
            path.display()
        ),
        E::Backup { path, source } if zh => format!(
            "无法写入备份 {}（{}）；档案库未被改动",
            path.display(),
            crate::messages::io_reason(source, lang)
        ),
        E::Backup { path, source } => format!(
            "cannot write the backup {} ({source}); the archive was not changed",
            path.display()
        ),
        E::Scratch { path, source } if zh => format!(
            "无法在档案库 {} 所在文件夹写入临时文件（{}）；档案库未被改动，请检查该文件夹的空间和权限",
            path.display(),
            crate::messages::io_reason(source, lang)
        ),
        E::Scratch { path, source } => format!(
            "cannot write a temporary file in the folder of the archive {} ({source}); the archive was not changed: check the folder's free space and permissions",
            path.display()
        ),
        E::BackupOntoArchive { path } if zh => format!(
            "备份的目标 {} 就是档案库本身；未做任何改动，请指定另一个文件或文件夹",
            path.display()
        ),
        E::BackupOntoArchive { path } => format!(
            "the backup's target {} is the archive itself; nothing was changed: name another file or folder",
            path.display()
        ),
        E::Corrupt(detail) if zh => format!(
            "档案库中的数据无法读取（{detail}），{nothing_written}。请运行 tongbao verify 检查，必要时从最新备份恢复（备份文件夹 {}）",
            backups.display()
        ),
        E::Corrupt(detail) => format!(
            "unreadable data in the archive ({detail}); {nothing_written}. Run `tongbao verify`, and if need be restore the newest backup (backups folder {})",
            backups.display()
        ),
        E::Sql { path, source } => {
            let code = source.sqlite_error_code();
            let p = path.display();
            let rolled_back = if zh {
                "正在进行的写入已整体撤销，档案库保持上一次完整写入后的状态"
            } else {
                "the write in progress was rolled back whole; the archive is as it was after the last complete write"
            };
            match (code, zh) {
                (Some(C::DiskFull), true) => format!(
                    "磁盘已满，档案库 {p} 无法写入：{rolled_back}，{nothing_written}。请腾出磁盘空间后重试"
                ),
                (Some(C::DiskFull), false) => format!(
                    "the disk is full: the archive {p} cannot be written; {rolled_back}; {nothing_written}. Free some space and try again"
                ),
                (Some(C::NotADatabase | C::DatabaseCorrupt), true) => format!(
                    "档案库 {p} 已损坏（{source}），无法使用，{nothing_written}。请{}；之后可运行 tongbao verify 检查",
                    restore(path)
                ),
                (Some(C::NotADatabase | C::DatabaseCorrupt), false) => format!(
                    "the archive {p} is damaged ({source}) and cannot be used; {nothing_written}. {}; then run `tongbao verify`",
                    restore(path)
                ),
                (Some(C::DatabaseBusy | C::DatabaseLocked), true) => format!(
                    "档案库 {p} 正被其他程序锁定，未做任何改动，{nothing_written}。请关闭正在使用它的程序后重试"
                ),
                (Some(C::DatabaseBusy | C::DatabaseLocked), false) => format!(
                    "the archive {p} is locked by another program; nothing was changed and {nothing_written}. Close the program using it and try again"
                ),
                (Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied), true) => format!(
                    "档案库 {p} 只读或无法打开（{source}），未做任何改动，{nothing_written}。请检查该文件及其文件夹的权限后重试"
                ),
                (Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied), false) => format!(
                    "the archive {p} is read-only or cannot be opened ({source}); nothing was changed and {nothing_written}. Check the permissions of the file and its folder"
                ),
                (_, true) => format!(
                    "档案库 {p} 出错（{source}）：{rolled_back}，{nothing_written}。如反复出现，请运行 tongbao verify，必要时{}",
                    restore(path)
                ),
                (_, false) => format!(
                    "archive {p}: {source}; {rolled_back}; {nothing_written}. If it happens again, run `tongbao verify`, and if need be {}",
                    restore(path)
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::archive::ArchiveError;
    use crate::lang::Lang;
    use crate::messages::io_reason;
    use std::io::{Error, ErrorKind};
    use std::path::{Path, PathBuf};

    #[test]
    fn a_file_system_error_is_worded_in_chinese() {
        let worded = |source: Error, lang| {
            let e = ArchiveError::Backup {
                path: PathBuf::from("/ws/backups/tongbao-1.db"),
                source,
            };
            super::archive_error(&e, lang, Path::new("/ws/backups"), &|_| None)
        };
        let full = worded(Error::from(ErrorKind::StorageFull), Lang::Zh);
        assert!(full.contains("（磁盘空间不足）"), "{full}");
        // EEXIST: a file where the backups folder should be.
        let exists = worded(Error::from_raw_os_error(17), Lang::Zh);
        assert!(exists.contains("（已有同名文件）"), "{exists}");
        assert!(!exists.contains("File exists"), "{exists}");
        // An error without words of its own: its number, not the system's English.
        let other = io_reason(&Error::from_raw_os_error(5), Lang::Zh);
        assert_eq!(other, "系统错误，代码 5");
        // English keeps the system's own words.
        let en = worded(Error::from_raw_os_error(17), Lang::En);
        assert!(en.contains("File exists"), "{en}");
    }
}
