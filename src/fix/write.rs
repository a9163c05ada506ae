//! Replacing a file atomically: the fixed bytes go to a temporary file in the same
//! folder, which is flushed to disk, given the original's permissions (and owner,
//! where allowed) and renamed over the original. A failure at any step leaves the
//! original as it was (and no temporary file behind). A symbolic link is followed: the file it points to is
//! replaced, the link stays.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` in place of `path`, whose content must still be `expected` (what
/// was checked). Errors are in Chinese.
pub fn replace(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<(), String> {
    replace_with(path, expected, |f| f.write_all(bytes))
}

/// `replace`, with the writing of the temporary file given (tests make it fail).
pub fn replace_with(
    path: &Path,
    expected: &[u8],
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), String> {
    let target = fs::canonicalize(path).map_err(|e| format!("无法找到文件：{e}"))?;
    let meta = fs::metadata(&target).map_err(|e| format!("无法读取文件属性：{e}"))?;
    if meta.permissions().readonly() {
        return Err("文件是只读的，未修改".into());
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".nianbao-fix-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("无法在文件所在目录创建临时文件：{e}"))?;
    write(tmp.as_file_mut()).map_err(|e| format!("写入临时文件失败：{e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("写入临时文件失败：{e}"))?;
    fs::set_permissions(tmp.path(), meta.permissions())
        .map_err(|e| format!("无法设置临时文件的权限：{e}"))?;
    keep_owner(tmp.as_file(), &meta);
    let now = fs::read(&target).map_err(|e| format!("无法重新读取文件：{e}"))?;
    if now != expected {
        return Err("文件在检查期间被修改过，未写入修复".into());
    }
    tmp.persist(&target)
        .map_err(|e| format!("无法替换原文件：{}", e.error))?;
    Ok(())
}

/// Gives the temporary file the original's owner and group (root fixing another
/// user's file); where that is not allowed the file is the writer's, as any edit.
#[cfg(unix)]
fn keep_owner(file: &fs::File, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let mine = file.metadata().ok();
    if mine.is_some_and(|m| m.uid() != meta.uid() || m.gid() != meta.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &fs::File, _: &fs::Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failing_write_leaves_the_original_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("报告.txt");
        fs::write(&path, "原文").expect("write");
        let err = replace_with(&path, "原文".as_bytes(), |f| {
            f.write_all("修复后的一半".as_bytes())?;
            Err(std::io::Error::other("磁盘已满"))
        })
        .expect_err("must fail");
        assert!(err.contains("磁盘已满"), "{err}");
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("原文"));
        assert_eq!(files(dir.path()), vec!["报告.txt".to_string()]);
    }

    #[test]
    fn permissions_are_kept_and_a_changed_file_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.txt");
        fs::write(&path, "a").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        }
        replace(&path, b"a", b"b").expect("replaced");
        assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"b"[..]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let err = replace(&path, b"a", b"c").expect_err("content changed meanwhile");
        assert!(err.contains("修改过"), "{err}");
        assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"b"[..]));
        assert_eq!(files(dir.path()), vec!["r.txt".to_string()]);
    }

    #[cfg(unix)]
    #[test]
    fn the_owner_is_kept_where_allowed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.txt");
        fs::write(&path, "a").expect("write");
        if std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_err() {
            eprintln!("not root: cannot give a file to another user, skipping");
            return;
        }
        replace(&path, b"a", b"b").expect("replaced");
        let meta = fs::metadata(&path).expect("meta");
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_keeps_pointing_at_the_fixed_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&real, "a").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        replace(&link, b"a", b"b").expect("replaced");
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(fs::read(&real).ok().as_deref(), Some(&b"b"[..]));
    }
}
