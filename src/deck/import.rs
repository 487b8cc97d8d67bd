//! CSV/TSV import: a spreadsheet of front, back, area and tags becomes a
//! deck, with Anki's text-import header lines honoured.
//!
//! Card ids come from the front text (a readable slug and a hash of the
//! whole front), so importing the same file again gives the same ids and
//! the cards keep their history.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::diagnostic::{Diagnostic, Lines, Severity};
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
    /// `#columns:` and the line it is on.
    columns: Option<(String, usize)>,
    /// 0-based columns that hold no card field (GUIDs, note types, decks).
    reserved: Vec<usize>,
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    let mut columns = match &headers.columns {
        Some((names, line)) => named_columns(&split(names, separator))
            .map_err(|m| invalid(path, vec![at(path, *line, m)]))?,
        None => default_columns(headers.tags_column, &headers.reserved),
    };
    // csv's own line count goes wrong on CRLF and blank lines, and a
    // record's byte offset is where the previous one ended: skip the line
    // breaks after it, then look the line up.
    let lines = Lines::new(body);
    let line_of = |pos: Option<&csv::Position>| {
        let byte = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let rest = body.get(byte..).unwrap_or("");
        let start = byte + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        headers.lines + lines.position(start).0
    };
    let mut builder = Builder::new(options);
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(at(path, line_of(e.position()), format!("CSV: {e}")));
                continue;
            }
        };
        let line = line_of(record.position());
        // A quoted CRLF is a line break like any other.
        let fields: Vec<String> = record.iter().map(|f| f.replace("\r\n", "\n")).collect();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        // A control character would act on a learner's terminal: refused
        // where it stands in the file.
        let bad = |c: char| {
            c == '\r' || crate::text::is_terminal_control(c) || crate::text::is_bidi_control(c)
        };
        if let Some(c) = fields.iter().flat_map(|f| f.chars()).find(|c| bad(*c)) {
            let from = record
                .position()
                .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
            let rest = body.get(from..).unwrap_or("");
            let skip = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
            let offset = rest[skip..].find(c).map_or(from, |i| from + skip + i);
            let (line, col) = lines.position(offset);
            problems.push(Diagnostic {
                path: path.to_path_buf(),
                line: headers.lines + line,
                col,
                severity: Severity::Error,
                message: format!(
                    "this row holds U+{:04X}, a control character that would act on a learner's terminal",
                    u32::from(c)
                ),
            });
            continue;
        }
        if index == 0 && headers.columns.is_none() && is_header_row(&fields) {
            match named_columns(&fields) {
                Ok(named) => columns = named,
                Err(message) => problems.push(at(path, line, message)),
            }
            continue;
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
        if let Err(message) = builder.row(&fields, columns, line) {
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

/// The header keys of Anki's text import; a leading `#` line with any
/// other key is data (a front may well start with `#`).
const ANKI_HEADERS: [&str; 10] = [
    "separator",
    "html",
    "tags column",
    "deck",
    "notetype",
    "columns",
    "guid column",
    "notetype column",
    "deck column",
    "if matches",
];

/// Reads the leading `#key:value` lines.
fn headers(text: &str) -> Result<Headers, (usize, String)> {
    let mut h = Headers::default();
    for line in text.lines() {
        let header = line.strip_prefix('#').and_then(|rest| rest.split_once(':'));
        let Some((key, value)) = header else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if !ANKI_HEADERS.contains(&key.as_str()) {
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
                        crate::text::quoted(value)
                    ),
                ))
        };
        match key.as_str() {
            "separator" => {
                let sep = separator_named(value.trim()).ok_or((
                    h.lines,
                    format!("unknown separator {}", crate::text::quoted(value.trim())),
                ))?;
                h.separator = Some(sep);
            }
            "html" => h.html = value.trim().eq_ignore_ascii_case("true"),
            "tags column" => h.tags_column = Some(column("tags column")?),
            "deck" => h.deck = Some(value.trim().to_string()).filter(|d| !d.is_empty()),
            "columns" => h.columns = Some((value.to_string(), h.lines)),
            // These columns say where a note goes in Anki; a deck file has
            // no place for them, but the card's fields come after them.
            "guid column" | "notetype column" | "deck column" => {
                let name = key.clone();
                h.reserved.push(column(&name)?);
            }
            // The note type, and what Anki does with duplicates, have no
            // meaning in a deck file.
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

const COLUMN_NAMES: [&str; 4] = ["front", "back", "area", "tags"];

/// A first row that names the front and back columns is a header row.
fn is_header_row(fields: &[&str]) -> bool {
    let has = |name: &str| fields.iter().any(|f| f.trim().eq_ignore_ascii_case(name));
    has("front") && has("back")
}

/// Columns from a header row of names, which must name front and back and
/// nothing but front, back, area and tags.
fn named_columns(names: &[&str]) -> Result<Columns, String> {
    let find = |name: &str| {
        names
            .iter()
            .position(|n| n.trim().eq_ignore_ascii_case(name))
    };
    let unknown: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !COLUMN_NAMES.iter().any(|k| n.eq_ignore_ascii_case(k)))
        .collect();
    match (find("front"), find("back")) {
        (Some(front), Some(back)) if unknown.is_empty() => Ok(Columns {
            front,
            back,
            area: find("area"),
            tags: find("tags"),
        }),
        (Some(_), Some(_)) => Err(format!(
            "unknown column '{}' in the header row (columns: front, back, area, tags)",
            unknown
                .iter()
                .map(|n| crate::text::short(n, 40))
                .collect::<Vec<_>>()
                .join("', '")
        )),
        _ => Err("the columns must name front and back, and may name area and tags".to_string()),
    }
}

/// Front, back, area and tags in that order, skipping the columns Anki's
/// headers reserve; `#tags column` puts tags where it says.
fn default_columns(tags: Option<usize>, reserved: &[usize]) -> Columns {
    let mut free = (0..).filter(|i| Some(*i) != tags && !reserved.contains(i));
    let mut next = || free.next().unwrap_or(usize::MAX);
    let (front, back, area) = (next(), next(), next());
    match tags {
        None => Columns {
            front,
            back,
            area: Some(area),
            tags: Some(next()),
        },
        Some(tags) => Columns {
            front,
            back,
            area: Some(area),
            tags: Some(tags),
        },
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

/// Collects rows into cards and areas, in time linear in the rows.
struct Builder<'o> {
    options: &'o Options,
    areas: Vec<Area>,
    /// Each area's id by its name.
    area_ids: HashMap<String, String>,
    /// Every area id given, and the next number to try after each base.
    taken_areas: HashSet<String>,
    next_area: HashMap<String, usize>,
    cards: Vec<Card>,
    /// Every card id given.
    ids: HashSet<String>,
    /// For a front's id that repeats: the lines of its rows.
    repeats: HashMap<String, Vec<usize>>,
}

/// The most repeated fronts an import names one by one.
const REPEATS_SHOWN: usize = 10;

impl<'o> Builder<'o> {
    fn new(options: &'o Options) -> Builder<'o> {
        Builder {
            options,
            areas: Vec::new(),
            area_ids: HashMap::new(),
            taken_areas: HashSet::new(),
            next_area: HashMap::new(),
            cards: Vec::new(),
            ids: HashSet::new(),
            repeats: HashMap::new(),
        }
    }

    fn row(&mut self, fields: &[&str], columns: Columns, line: usize) -> Result<(), String> {
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
        let id = self.id(front, line);
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

    /// The id of the area named `name`, added if new. Names that make the
    /// same slug (or none, like non-Latin names) get numbered ids, so two
    /// areas are never merged.
    fn area(&mut self, name: &str) -> String {
        if let Some(id) = self.area_ids.get(name) {
            return id.clone();
        }
        let base = slug(name, 40).unwrap_or_else(|| "area".to_string());
        let id = if self.taken_areas.contains(&base) || base == "area" {
            let next = self.next_area.entry(base.clone()).or_insert(1);
            loop {
                let id = format!("{base}-{next}");
                *next += 1;
                if !self.taken_areas.contains(&id) {
                    break id;
                }
            }
        } else {
            base
        };
        self.taken_areas.insert(id.clone());
        self.area_ids.insert(name.to_string(), id.clone());
        self.areas.push(Area {
            id: id.clone(),
            name: name.to_string(),
            weight: None,
        });
        id
    }

    /// A stable id for a card with this front: its slug and a hash of it;
    /// a front that repeats gets `-2`, `-3` and so on.
    fn id(&mut self, front: &str, line: usize) -> String {
        let base = format!(
            "{}-{:08x}",
            slug(front, 40).unwrap_or_else(|| "card".to_string()),
            fnv1a(front.as_bytes()) >> 32
        );
        let id = if self.ids.contains(&base) {
            let lines = self.repeats.entry(base.clone()).or_default();
            lines.push(line);
            let mut n = lines.len() + 1;
            loop {
                let id = format!("{base}-{n}");
                if !self.ids.contains(&id) {
                    break id;
                }
                n += 1;
            }
        } else {
            base
        };
        self.ids.insert(id.clone());
        id
    }

    /// One note per repeated front (the first few), then how many more.
    fn notes(&self) -> Vec<String> {
        let mut repeats: Vec<(&String, &Vec<usize>)> = self.repeats.iter().collect();
        repeats.sort_by_key(|(_, lines)| lines[0]);
        let mut notes: Vec<String> = repeats
            .iter()
            .take(REPEATS_SHOWN)
            .map(|(base, lines)| {
                let more = match lines.len() {
                    1 => String::new(),
                    n => format!(" and {} more rows", n - 1),
                };
                format!(
                    "line {}{more}: the front repeats an earlier row's ({base}); \
                     these cards get {base}-2 and so on",
                    lines[0]
                )
            })
            .collect();
        if repeats.len() > REPEATS_SHOWN {
            let rest: usize = repeats[REPEATS_SHOWN..].iter().map(|(_, l)| l.len()).sum();
            notes.push(format!(
                "{rest} more rows repeat {} other fronts",
                repeats.len() - REPEATS_SHOWN
            ));
        }
        notes
    }

    fn finish(self, path: &Path, headers: &Headers) -> Result<Imported, Invalid> {
        let notes = self.notes();
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
        Ok(Imported { deck, toml, notes })
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
                out.push_str(&word[..max].to_ascii_lowercase());
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
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
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
        assert_eq!(slug("ABCDEFGHIJKL", 5).unwrap(), "abcde");
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
