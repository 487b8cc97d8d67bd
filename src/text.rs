//! Text: made safe to show (stored text neutralised before it reaches a
//! terminal, values quoted short in messages, spreadsheet cells that cannot
//! run as formulas), laid out (aligned tables, lines wrapped at word
//! boundaries, plurals), and compared (answers normalised, a skill named).
//!
//! A card, area, deck or user name is written by someone else (a deck's
//! author, an import, a hand-edited database). Printed raw, an escape
//! sequence in it could clear the screen, retitle the window or plant a
//! hyperlink; so every path that prints stored text passes it through
//! [`clean`], whatever the database holds.

use std::borrow::Cow;

/// Whether `c` would act on a terminal instead of being shown: a C0 or C1
/// control character or DEL. Newline and tab are ordinary layout.
pub fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}'
}

/// Whether `c` is an explicit bidirectional embedding, override or
/// isolate: invisible, and it reorders the text printed after it.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` takes no space on screen: zero-width spaces and joiners,
/// the word joiner and the byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}' | '\u{180e}'
    )
}

/// `text` with every character that would act on a terminal replaced by a
/// visible stand-in: C0 controls by their Control Pictures (ESC shows as
/// `␛`), DEL as `␡`, C1 controls and bidirectional overrides as `�`.
/// Newlines and tabs stay.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_terminal_control(c) || is_bidi_control(c))
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(stand_in).collect())
}

fn stand_in(c: char) -> char {
    match c {
        '\n' | '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if is_terminal_control(c) || is_bidi_control(c) => '\u{fffd}',
        c => c,
    }
}

/// `line` broken at word boundaries into pieces no wider than `width`
/// columns (counting wide characters as two); a word longer than a whole
/// line is the only thing ever split. Leading spaces (an indented option)
/// stay on the first piece.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.is_empty() {
        return vec![String::new()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let options = textwrap::Options::new(width.max(1)).subsequent_indent(&indent);
    textwrap::wrap(line, options)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

/// The most characters of a value a message quotes.
pub const QUOTE_MAX: usize = 60;

/// `value` as a message quotes it: in double quotes, cut to its first
/// [`QUOTE_MAX`] characters with `…`, and cleaned, so a message stays one
/// readable line whatever the value holds.
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", short(value, QUOTE_MAX))
}

/// `value`, cleaned, one line, cut to `max` characters with `…`.
pub fn short(value: &str, max: usize) -> String {
    let mut chars = value.chars();
    let head: String = chars
        .by_ref()
        .take(max)
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let cut = if chars.next().is_some() { "…" } else { "" };
    format!("{}{cut}", clean(&head))
}

/// A cell a spreadsheet shows as text: one that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be read as a formula, so it
/// gets a leading apostrophe, as OWASP advises for CSV exports.
pub fn spreadsheet_cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// Lowercase words with punctuation dropped (hyphens and slashes split
/// words) and a leading "a", "an" or "the" removed.
pub fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '_'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let words = match words.first() {
        Some(&("a" | "an" | "the")) if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words
        .iter()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text` names the skill `name`: a word of the text shares the
/// first six letters (or all of a shorter word) of a word of the name
/// longer than three letters ("empathetic" names "Empathy"). A question
/// that names its skill gives its answer away.
pub fn names_skill(text: &str, name: &str) -> bool {
    let text = normalize(text);
    let stems: Vec<String> = normalize(name)
        .split(' ')
        .filter(|w| w.chars().count() > 3)
        .map(|w| w.chars().take(6).collect())
        .collect();
    text.split(' ')
        .any(|word| stems.iter().any(|stem| word.starts_with(stem.as_str())))
}

/// FNV-1a, 64-bit: a hash that never changes between builds or platforms,
/// unlike `std`'s, so ids stay stable across re-imports.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How a column lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right: text against the column's left edge.
    Left,
    /// Padded on the left, as numbers line up.
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

/// A number of things, whatever its integer type.
pub trait Count {
    /// The number.
    fn count(self) -> u64;
}

impl Count for usize {
    fn count(self) -> u64 {
        u64::try_from(self).unwrap_or(u64::MAX)
    }
}

impl Count for u64 {
    fn count(self) -> u64 {
        self
    }
}

impl Count for u32 {
    fn count(self) -> u64 {
        u64::from(self)
    }
}

/// "1 card", "3 cards".
pub fn plural(n: impl Count, what: &str) -> String {
    let n = n.count();
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
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(clean("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(clean("\u{1b}[2J clear"), "\u{241b}[2J clear");
        assert_eq!(
            clean("\u{1b}]8;;http://x\u{7}link"),
            "\u{241b}]8;;http://x\u{2407}link"
        );
        assert_eq!(clean("over\rwrite"), "over\u{240d}write");
        assert_eq!(clean("del\u{7f} csi\u{9b}"), "del\u{2421} csi\u{fffd}");
        assert_eq!(clean("a\u{202e}b"), "a\u{fffd}b");
        assert!(matches!(clean("ordinary"), Cow::Borrowed(_)));
    }

    #[test]
    fn quotes_are_short_and_on_one_line() {
        assert_eq!(quoted("maria"), "\"maria\"");
        let long = "x".repeat(10_000);
        assert_eq!(quoted(&long), format!("\"{}…\"", "x".repeat(QUOTE_MAX)));
        assert_eq!(quoted("a\nb\u{1b}"), "\"a b\u{241b}\"");
    }

    #[test]
    fn lines_wrap_at_word_boundaries() {
        let line = "Effective communication lies at the heart of case management.";
        assert_eq!(
            wrap(line, 40),
            [
                "Effective communication lies at the",
                "heart of case management."
            ]
        );
        assert_eq!(wrap(line, 100), [line]);
        assert_eq!(
            wrap("  a) Organization and Time Management", 20),
            ["  a) Organization", "  and Time", "  Management"]
        );
        assert_eq!(wrap("", 40), [""]);
        for width in [10, 17, 23, 40] {
            for piece in wrap(line, width) {
                assert!(piece.chars().count() <= width, "{piece:?} at {width}");
                for word in piece.split_whitespace() {
                    assert!(line.contains(word), "{word:?} is whole");
                }
            }
        }
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors from the FNV reference: "" and "a".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

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

    #[test]
    fn formulas_become_text() {
        assert_eq!(spreadsheet_cell("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_cell("+cmd"), "'+cmd");
        assert_eq!(spreadsheet_cell("-2"), "'-2");
        assert_eq!(spreadsheet_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_cell("Empathy"), "Empathy");
        assert_eq!(spreadsheet_cell(""), "");
    }
}
