//! Reading and writing the files a command is pointed at: text read with
//! the place of its first byte that is not UTF-8, and output written so
//! that nothing already saved is lost: never onto the database, never over
//! an existing file unless asked, always whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Reads `path` as UTF-8 text; a byte that is not UTF-8 is reported at
/// its line and column.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text_of(path, bytes)
}

/// `bytes`, the contents of `path`, as text.
pub fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let (line, col) = place(e.as_bytes(), e.utf8_error().valid_up_to());
        Error::NotUtf8 {
            path: path.to_path_buf(),
            line,
            col,
        }
    })
}

/// The 1-based line and character column of byte `at`, all of whose
/// preceding bytes are UTF-8.
fn place(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = std::str::from_utf8(&before[line_start..]).map_or(1, |s| s.chars().count() + 1);
    (line, col)
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed
/// into place, so a reader sees the old file or the new one, never half of
/// either. Refuses to replace an existing file unless `force`, and refuses
/// always to write onto the database `db` or its `-wal`, `-shm` or
/// `-journal`.
pub fn write_new(path: &Path, bytes: &[u8], force: bool, db: Option<&Path>) -> Result<()> {
    write_with(path, force, db, |tmp| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })
}

/// [`write_new`], with the temporary file written by `fill`.
pub fn write_with(
    path: &Path,
    force: bool,
    db: Option<&Path>,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<()> {
    if let Some(db) = db {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut part = db.as_os_str().to_owned();
            part.push(suffix);
            if same_file(path, Path::new(&part)) {
                return Err(Error::OntoDatabase(path.to_path_buf()));
            }
        }
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Exists(path.to_path_buf()));
    }
    let failed = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temporary(path);
    let written = fill(&tmp).and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

/// A name for a temporary file beside `path`, hidden and unique to this
/// process.
pub fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let hidden = format!(".{name}.{}.tmp", std::process::id());
    path.with_file_name(hidden)
}

/// Whether `a` and `b` name the same file, through symbolic links, `..`
/// and hard links; a file that does not exist yet is compared by where it
/// would be.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Where `path` is, with its directory's links resolved.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn a_bad_byte_is_placed_by_line_and_character() {
        assert_eq!(place(b"abc", 0), (1, 1));
        assert_eq!(place(b"ab\ncd\xff", 5), (2, 3));
        assert_eq!(place("é\nxé\u{ff}".as_bytes(), 6), (2, 3));
    }
}
