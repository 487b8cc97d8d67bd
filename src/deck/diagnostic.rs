//! One problem in a deck file, at a line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// Whether a problem stops the deck from loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The deck is still usable (an area with no cards).
    Warning,
    /// The deck is refused.
    Error,
}

/// A problem found in a deck file: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    /// A problem at byte `offset` of `text`, the contents of `path`.
    pub fn at(
        path: &Path,
        text: &str,
        offset: usize,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        let (line, col) = line_col(text, offset);
        Diagnostic {
            path: path.to_path_buf(),
            line,
            col,
            severity,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning: ",
            Severity::Error => "",
        };
        write!(
            f,
            "{}:{}:{}: {level}{}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 3));
        // 'é' is two bytes; the 'f' after the newline is line 3, column 1.
        assert_eq!(line_col(text, 8), (3, 1));
        assert_eq!(line_col(text, 999), (3, 2));
    }
}
