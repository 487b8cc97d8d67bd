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
    /// A problem at byte `offset` of the file `path`, whose lines are `lines`.
    pub(crate) fn at(
        path: &Path,
        lines: &Lines<'_>,
        offset: usize,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        let (line, col) = lines.position(offset);
        Diagnostic {
            path: path.to_path_buf(),
            line,
            col,
            severity,
            message,
        }
    }
}

/// Where each line of a text starts, so a byte offset becomes a line and
/// column in logarithmic time, however many problems a large file has.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The 1-based line and character column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_characters() {
        let lines = Lines::new("ab\ncdé\nf");
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(3), (2, 1));
        assert_eq!(lines.position(5), (2, 3));
        // 'é' is two bytes; the 'f' after the newline is line 3, column 1.
        assert_eq!(lines.position(8), (3, 1));
        assert_eq!(lines.position(6), (2, 3), "inside 'é': its start");
        assert_eq!(lines.position(999), (3, 2));
        assert_eq!(Lines::new("").position(0), (1, 1));
    }
}
