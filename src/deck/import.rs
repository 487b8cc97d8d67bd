//! CSV/TSV import: a spreadsheet of front, back, area and tags becomes a
//! deck, with Anki's text-import header lines honoured.
//!
//! Card ids come from the front text (a readable slug and a hash of the
//! whole front), so importing the same file again gives the same ids and
//! the cards keep their history.

use std::collections::HashMap;
use std::path::Path;

use super::diagnostic::{Diagnostic, Severity};
use super::lint::fields::is_id;
use super::model::{Area, Card, Content, Deck, DeckInfo};
use super::{Invalid, check};

/// What the command line adds to a file's own headers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub id: Option<String>,
    pub title: Option<String>,
    /// The area name for rows without one.
    pub area: String,
}

/// A deck made from a spreadsheet, and anything the user should know.
#[derive(Debug)]
pub struct Imported {
    pub deck: Deck,
    /// The deck as a TOML deck file, checked by the deck linter.
    pub toml: String,
    pub notes: Vec<String>,
}

/// Anki's `#key:value` lines at the top of a text export.
#[derive(Debug, Default)]
struct Headers {
    separator: Option<u8>,
    html: bool,
    /// 0-based.
    tags_column: Option<usize>,
    deck: Option<String>,
    columns: Option<String>,
    /// Lines they took, to number the rows after them.
    lines: usize,
}

/// Which field of a row holds what.
#[derive(Debug, Clone, Copy)]
struct Columns {
    front: usize,
    back: usize,
    area: Option<usize>,
    tags: Option<usize>,
}

/// Turns `text`, the contents of `path`, into a deck.
pub fn import(path: &Path, text: &str, options: &Options) -> Result<Imported, Invalid> {
    let mut problems = Vec::new();
    let headers = headers(text).map_err(|(line, m)| invalid(path, vec![at(path, line, m)]))?;
    let body = body_after(text, headers.lines);
    let separator = headers
        .separator
        .unwrap_or_else(|| guess_separator(path, body));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut columns = headers
        .columns
        .as_deref()
        .map(|names| named_columns(&split(names, separator)))
        .unwrap_or_else(|| Ok(default_columns(headers.tags_column)))
        .map_err(|m| invalid(path, vec![at(path, headers.lines, m)]))?;
    let mut builder = Builder::new(options);
    for (index, record) in reader.records().enumerate() {
        let line_of = |pos: Option<&csv::Position>| {
            headers.lines + pos.map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(at(path, line_of(e.position()), format!("CSV: {e}")));
                continue;
            }
        };
        let line = line_of(record.position());
        let fields: Vec<&str> = record.iter().collect();
        if index == 0 && headers.columns.is_none() {
            if let Ok(named) = named_columns(&fields) {
                columns = named;
                continue;
            }
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if headers.html && fields.iter().any(|f| has_markup(f)) {
            let message = "this row holds HTML, which decks do not: export it from Anki as \
                           plain text (#html:false)";
            problems.push(at(path, line, message.to_string()));
            continue;
        }
        if let Err(message) = builder.row(&fields, columns) {
            problems.push(at(path, line, message));
        }
    }
    if !problems.is_empty() {
        return Err(invalid(path, problems));
    }
    builder.finish(path, &headers)
}

/// A problem on a line of the spreadsheet.
fn at(path: &Path, line: usize, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_path_buf(),
        line,
        col: 1,
        severity: Severity::Error,
        message,
    }
}

fn invalid(path: &Path, diagnostics: Vec<Diagnostic>) -> Invalid {
    Invalid {
        path: path.to_path_buf(),
        diagnostics,
    }
}

/// Reads the leading `#key:value` lines.
fn headers(text: &str) -> Result<Headers, (usize, String)> {
    let mut h = Headers::default();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        h.lines += 1;
        let Some((key, value)) = rest.split_once(':') else {
            continue;
        };
        let value = value.trim_end_matches('\r');
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => {
                h.separator = Some(
                    separator_named(value)
                        .ok_or((h.lines, format!("unknown separator {value:?}")))?,
                )
            }
            "html" => h.html = value.trim().eq_ignore_ascii_case("true"),
            "tags column" => {
                let n: usize = value.trim().parse().ok().filter(|n| *n >= 1).ok_or((
                    h.lines,
                    format!("#tags column must be a column number from 1, got {value:?}"),
                ))?;
                h.tags_column = Some(n - 1);
            }
            "deck" => h.deck = Some(value.trim().to_string()).filter(|d| !d.is_empty()),
            "columns" => h.columns = Some(value.to_string()),
            // Note types, GUIDs and deck columns have no meaning in a deck
            // file; Anki ignores headers it does not know, and so do we.
            _ => {}
        }
    }
    Ok(h)
}

/// The text after the first `lines` lines.
fn body_after(text: &str, lines: usize) -> &str {
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

/// Tab for `.tsv`/`.tab` files or a first line with a tab, else comma.
fn guess_separator(path: &Path, body: &str) -> u8 {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let first = body.lines().next().unwrap_or("");
    if ext.eq_ignore_ascii_case("tsv") || ext.eq_ignore_ascii_case("tab") || first.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

fn split(line: &str, separator: u8) -> Vec<&str> {
    line.split(char::from(separator)).collect()
}

/// Columns from a header row of names; an error if it is not one.
fn named_columns(names: &[&str]) -> Result<Columns, String> {
    let find = |name: &str| {
        names
            .iter()
            .position(|n| n.trim().eq_ignore_ascii_case(name))
    };
    let known = ["front", "back", "area", "tags"];
    let all_known = names
        .iter()
        .all(|n| known.iter().any(|k| n.trim().eq_ignore_ascii_case(k)));
    match (find("front"), find("back")) {
        (Some(front), Some(back)) if all_known => Ok(Columns {
            front,
            back,
            area: find("area"),
            tags: find("tags"),
        }),
        _ => Err(format!(
            "columns {:?} must name front and back, and may name area and tags",
            names.join(",")
        )),
    }
}

/// front, back, area, tags in that order, unless `#tags column` moves tags.
fn default_columns(tags_column: Option<usize>) -> Columns {
    match tags_column {
        None => Columns {
            front: 0,
            back: 1,
            area: Some(2),
            tags: Some(3),
        },
        Some(tags) => {
            let mut rest = (0..).filter(|i| *i != tags);
            let mut next = || rest.next().unwrap_or(usize::MAX);
            let (front, back, area) = (next(), next(), next());
            Columns {
                front,
                back,
                area: Some(area),
                tags: Some(tags),
            }
        }
    }
}

/// Whether a field holds HTML tags or entities.
fn has_markup(field: &str) -> bool {
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

/// Collects rows into cards and areas.
struct Builder<'o> {
    options: &'o Options,
    areas: Vec<Area>,
    cards: Vec<Card>,
    ids: HashMap<String, usize>,
    notes: Vec<String>,
}

impl<'o> Builder<'o> {
    fn new(options: &'o Options) -> Builder<'o> {
        Builder {
            options,
            areas: Vec::new(),
            cards: Vec::new(),
            ids: HashMap::new(),
            notes: Vec::new(),
        }
    }

    fn row(&mut self, fields: &[&str], columns: Columns) -> Result<(), String> {
        let field = |i: Option<usize>| i.and_then(|i| fields.get(i)).map_or("", |f| f.trim());
        let (front, back) = (field(Some(columns.front)), field(Some(columns.back)));
        if front.is_empty() || back.is_empty() {
            let which = if front.is_empty() { "front" } else { "back" };
            return Err(format!("row has no {which}"));
        }
        let area = match field(columns.area) {
            "" => self.options.area.clone(),
            name => name.to_string(),
        };
        let area = self.area(&area);
        let tags = field(columns.tags)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let id = self.id(front);
        self.cards.push(Card {
            id,
            area,
            content: Content::Basic {
                front: front.to_string(),
                back: back.to_string(),
            },
            tags,
            source: None,
        });
        Ok(())
    }

    /// The id of the area named `name`, added if new.
    fn area(&mut self, name: &str) -> String {
        let id = slug(name, 40).unwrap_or_else(|| "area".to_string());
        if !self.areas.iter().any(|a| a.id == id) {
            self.areas.push(Area {
                id: id.clone(),
                name: name.to_string(),
                weight: None,
            });
        }
        id
    }

    /// A stable id for a card with this front.
    fn id(&mut self, front: &str) -> String {
        let base = format!(
            "{}-{:08x}",
            slug(front, 40).unwrap_or_else(|| "card".to_string()),
            fnv1a(front.trim().as_bytes()) >> 32
        );
        let seen = self.ids.entry(base.clone()).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            base
        } else {
            self.notes.push(format!(
                "front {front:?} appears {} times; copy {} gets id {base}-{}",
                *seen, *seen, *seen
            ));
            format!("{base}-{seen}")
        }
    }

    fn finish(self, path: &Path, headers: &Headers) -> Result<Imported, Invalid> {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let title = (self.options.title.clone())
            .or_else(|| headers.deck.clone())
            .unwrap_or_else(|| stem.clone());
        let id = (self.options.id.clone())
            .or_else(|| headers.deck.as_deref().and_then(|d| slug(d, 60)))
            .or_else(|| slug(&stem, 60))
            .unwrap_or_else(|| "imported".to_string());
        let file = path
            .file_name()
            .map_or(stem, |f| f.to_string_lossy().into_owned());
        let deck = Deck {
            info: DeckInfo {
                id,
                title,
                version: 1,
                description: Some(format!("Imported from {file}.")),
            },
            areas: self.areas,
            cards: self.cards,
        };
        if deck.cards.is_empty() {
            let d = at(
                path,
                headers.lines + 1,
                "the file holds no cards".to_string(),
            );
            return Err(invalid(path, vec![d]));
        }
        let toml = deck.to_toml().map_err(|e| {
            invalid(
                path,
                vec![at(path, 1, format!("cannot write the deck as TOML: {e}"))],
            )
        })?;
        // The deck must pass the same checks as any deck file (an id given
        // with --id may not); what it says points into the TOML written.
        let written = path.with_extension("toml");
        let deck = check(&written, &toml).into_deck(&written)?;
        Ok(Imported {
            deck,
            toml,
            notes: self.notes,
        })
    }
}

/// A lowercase ASCII slug of at most `max` bytes, cut at a word boundary;
/// `None` if nothing usable is left.
fn slug(text: &str, max: usize) -> Option<String> {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let extra = word.len() + usize::from(!out.is_empty());
        if out.len() + extra > max {
            if out.is_empty() {
                out.push_str(&word[..max]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    Some(out).filter(|s| is_id(s))
}

/// FNV-1a, 64-bit: a hash that never changes between builds or platforms,
/// unlike `std`'s, so ids stay stable across re-imports.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_readable_ids() {
        assert_eq!(
            slug("What is active listening?", 40).unwrap(),
            "what-is-active-listening"
        );
        assert_eq!(slug("A::B deck", 60).unwrap(), "a-b-deck");
        assert_eq!(slug("¿?", 40), None);
        assert_eq!(slug("one two three", 8).unwrap(), "one-two");
        assert_eq!(slug("abcdefghijkl", 5).unwrap(), "abcde");
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors from the FNV reference: "" and "a".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn markup_is_told_from_plain_text() {
        assert!(has_markup("a<br>b"));
        assert!(has_markup("x &amp; y"));
        assert!(!has_markup("a < b and c & d"));
        assert!(!has_markup("3<4"));
    }
}
