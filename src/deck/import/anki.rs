//! Anki's text-export header lines: `#key:value` at the top of the file.

use crate::text::quoted;

/// What the header lines say.
#[derive(Debug, Default)]
pub(super) struct Headers {
    pub separator: Option<u8>,
    pub html: bool,
    /// 0-based.
    pub tags_column: Option<usize>,
    /// Tags every card gets (`#tags:`).
    pub tags: Vec<String>,
    pub deck: Option<String>,
    /// `#columns:` and the line it is on.
    pub columns: Option<(String, usize)>,
    /// 0-based columns that hold no card field (GUIDs, note types, decks).
    pub reserved: Vec<usize>,
    /// Lines they took, to number the rows after them.
    pub lines: usize,
}

/// The header keys of Anki's text import; a leading `#` line with any
/// other key is data (a front may well start with `#`).
const KEYS: [&str; 12] = [
    "separator",
    "html",
    "tags column",
    "tags",
    "deck",
    "notetype",
    "columns",
    "guid column",
    "notetype column",
    "deck column",
    "if matches",
    "match scope",
];

/// Reads the leading `#key:value` lines; a bad value is an error on its
/// line.
pub(super) fn headers(text: &str) -> Result<Headers, (usize, String)> {
    let mut h = Headers::default();
    for line in text.lines() {
        let header = line.strip_prefix('#').and_then(|rest| rest.split_once(':'));
        let Some((key, value)) = header else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if !KEYS.contains(&key.as_str()) {
            break;
        }
        h.lines += 1;
        let value = value.trim_end_matches('\r');
        let column = |name: &str| {
            value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .map(|n| n - 1)
                .ok_or((
                    h.lines,
                    format!(
                        "#{name} must be a column number from 1, got {}",
                        quoted(value)
                    ),
                ))
        };
        match key.as_str() {
            "separator" => {
                let sep = separator_named(value.trim()).ok_or((
                    h.lines,
                    format!("unknown separator {}", quoted(value.trim())),
                ))?;
                h.separator = Some(sep);
            }
            "html" => h.html = value.trim().eq_ignore_ascii_case("true"),
            "tags column" => h.tags_column = Some(column("tags column")?),
            "tags" => h.tags = value.split_whitespace().map(str::to_string).collect(),
            "deck" => h.deck = Some(value.trim().to_string()).filter(|d| !d.is_empty()),
            "columns" => h.columns = Some((value.to_string(), h.lines)),
            // These columns say where a note goes in Anki; a deck file has
            // no place for them, but the card's fields come after them.
            "guid column" | "notetype column" | "deck column" => {
                let name = key.clone();
                h.reserved.push(column(&name)?);
            }
            // The note type, and what Anki does with duplicates and where
            // it looks for them, have no meaning in a deck file.
            _ => {}
        }
    }
    Ok(h)
}

/// The text after the first `lines` lines.
pub(super) fn body_after(text: &str, lines: usize) -> &str {
    let mut rest = text;
    for _ in 0..lines {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    rest
}

/// Anki's separator names, or a single character.
fn separator_named(value: &str) -> Option<u8> {
    match value.to_ascii_lowercase().as_str() {
        "tab" | "\t" => Some(b'\t'),
        "comma" | "," => Some(b','),
        "semicolon" | ";" => Some(b';'),
        "space" | " " => Some(b' '),
        "pipe" | "|" => Some(b'|'),
        "colon" | ":" => Some(b':'),
        _ => None,
    }
}

/// Whether a field holds HTML tags or entities.
pub(super) fn has_markup(field: &str) -> bool {
    let tag = field.match_indices('<').any(|(i, _)| {
        field[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    });
    tag || field.match_indices('&').any(|(i, _)| {
        let rest = &field[i + 1..];
        rest.find(';').is_some_and(|end| {
            end > 0
                && end < 10
                && rest[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::has_markup;

    #[test]
    fn markup_is_told_from_plain_text() {
        assert!(has_markup("a<br>b"));
        assert!(has_markup("x &amp; y"));
        assert!(!has_markup("a < b and c & d"));
        assert!(!has_markup("3<4"));
    }
}
