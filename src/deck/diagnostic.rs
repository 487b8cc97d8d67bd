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
    /// The deck file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Whether it stops the deck from loading.
    pub severity: Severity,
    /// What is wrong, in words, without the place.
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

/// Where each line of a text starts, and where its characters of more
/// than one byte are, so a byte offset becomes a line and a character
/// column in logarithmic time, however many problems a large file has and
/// however long its lines (a JSON deck may be one line).
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// Each character of more than one byte: where it starts, and the
    /// bytes beyond one that it and those before it take.
    wide: Vec<(usize, usize)>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut extra = 0;
        let wide = text
            .char_indices()
            .filter(|(_, c)| c.len_utf8() > 1)
            .map(|(i, c)| {
                extra += c.len_utf8() - 1;
                (i, extra)
            })
            .collect();
        Lines { text, starts, wide }
    }

    /// The 1-based line and character column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let chars = (offset - start) - (self.extra_before(offset) - self.extra_before(start));
        (line, chars + 1)
    }

    /// The bytes beyond one taken by the characters before byte `at`.
    fn extra_before(&self, at: usize) -> usize {
        match self.wide.partition_point(|&(i, _)| i < at) {
            0 => 0,
            n => self.wide[n - 1].1,
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
