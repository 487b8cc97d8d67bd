//! The terminal: reading answers (single keys on a terminal, lines from a
//! pipe), colour when it is wanted, and aligned tables. Nothing here
//! decides what to show; it only lays out and reads what it is given.

mod io;

pub use io::{Style, Terminal};

/// How a column lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

impl Align {
    /// Alignments from a spec, one letter a column: `l` left, anything
    /// else right. `Align::columns("llrr")`.
    pub fn columns(spec: &str) -> Vec<Align> {
        spec.chars()
            .map(|c| if c == 'l' { Align::Left } else { Align::Right })
            .collect()
    }
}

/// Lays out a header and rows as aligned columns separated by two spaces,
/// one line each, without trailing spaces.
pub fn table(header: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(width(cell));
            if i > 0 {
                out.push_str("  ");
            }
            match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left => {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// "1 card", "3 cards".
pub fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = vec![
            vec!["communication".to_string(), "12".to_string()],
            vec!["é".to_string(), "3".to_string()],
        ];
        let t = table(&["area", "cards"], &[Align::Left, Align::Right], &rows);
        assert_eq!(
            t,
            "area           cards\ncommunication     12\né                  3\n"
        );
    }
}
