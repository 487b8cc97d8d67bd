//! CSV/TSV import: a spreadsheet becomes a deck. Its header row is
//! recognised by the names a spreadsheet uses (Question, Answer, Topic...),
//! the separator is sniffed (a European spreadsheet writes semicolons),
//! Anki's text-export header lines are honoured, and every dropped column
//! and every row of the wrong width is named with its line.
//!
//! Card ids come from the front text (a readable slug and a hash of the
//! whole front), so importing the same file again gives the same ids and
//! the cards keep their history.

mod anki;
mod builder;
mod columns;

use std::path::Path;

use super::diagnostic::{Diagnostic, Lines, Severity};
use super::model::{Deck, DeckInfo, NewCards};
use super::{Invalid, check};
use builder::Builder;
use columns::Columns;

/// What the command line adds to a file's own headers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The deck's id (`--id`); else a slug of the file's `#deck:` header or
    /// of its name, else `imported`.
    pub id: Option<String>,
    /// The deck's title (`--title`); else the file's `#deck:` header, else
    /// its name without the extension.
    pub title: Option<String>,
    /// The area name for rows without one.
    pub area: String,
}

/// A deck made from a spreadsheet, and anything the user should know.
#[derive(Debug)]
pub struct Imported {
    /// The deck, checked.
    pub deck: Deck,
    /// The deck as a TOML deck file, checked by the deck linter.
    pub toml: String,
    /// Columns dropped, rows of the wrong width, fronts repeated.
    pub notes: Vec<String>,
}

/// The most rows of the wrong width named one by one.
const ODD_ROWS_SHOWN: usize = 20;

/// Turns `text`, the contents of `path`, into a deck.
pub fn import(path: &Path, text: &str, options: &Options) -> Result<Imported, Invalid> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let headers =
        anki::headers(text).map_err(|(line, m)| invalid(path, vec![at(path, line, m)]))?;
    let body = anki::body_after(text, headers.lines);
    let separator = headers
        .separator
        .unwrap_or_else(|| columns::sniff(path, body));
    let mut columns = match &headers.columns {
        Some((names, line)) => {
            let cells: Vec<&str> = names.split(char::from(separator)).collect();
            let (named, dropped) = Columns::from_header(&cells).ok_or_else(|| {
                let m = "#columns must name the front and the back (or the answer)";
                invalid(path, vec![at(path, *line, m.to_string())])
            })?;
            notes.extend(dropped_notes(&dropped));
            named
        }
        None => Columns::anki(headers.tags_column, &headers.reserved),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    // csv's own line count goes wrong on CRLF and blank lines, and a
    // record's byte offset is where the previous one ended: skip the line
    // breaks after it, then look the line up.
    let lines = Lines::new(body);
    let start_of = |pos: Option<&csv::Position>| {
        let byte = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let rest = body.get(byte..).unwrap_or("");
        byte + rest.len() - rest.trim_start_matches(['\r', '\n']).len()
    };
    let line_of = |pos: Option<&csv::Position>| headers.lines + lines.position(start_of(pos)).0;
    let mut builder = Builder::new(options, headers.tags.clone());
    let mut width = columns.width();
    let mut odd: Vec<(usize, usize)> = Vec::new();
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
        if let Some(d) = control(path, body, &lines, start_of(record.position()), &fields) {
            problems.push(Diagnostic {
                line: headers.lines + d.line,
                ..d
            });
            continue;
        }
        if index == 0 && headers.columns.is_none() {
            if let Some((named, dropped)) = Columns::from_header(&fields) {
                notes.extend(dropped_notes(&dropped));
                width = named.width();
                columns = named;
                continue;
            }
        }
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if headers.html && fields.iter().any(|f| anki::has_markup(f)) {
            let message = "this row holds HTML, which decks do not: export it from Anki as \
                           plain text (#html:false)";
            problems.push(at(path, line, message.to_string()));
            continue;
        }
        let expected = *width.get_or_insert(fields.len());
        if fields.len() != expected {
            odd.push((line, fields.len()));
        }
        if let Err(message) = builder.row(&fields, &columns, line) {
            problems.push(at(path, line, message));
        }
    }
    if !problems.is_empty() {
        return Err(invalid(path, problems));
    }
    notes.extend(odd_notes(&odd, width.unwrap_or(0), columns.named));
    notes.extend(builder.notes());
    finish(path, &headers, options, builder, notes)
}

/// A row that holds a control character, which would act on a learner's
/// terminal: refused where the character stands in the file.
fn control(
    path: &Path,
    body: &str,
    lines: &Lines<'_>,
    from: usize,
    fields: &[&str],
) -> Option<Diagnostic> {
    let bad = |c: char| {
        c == '\r' || crate::text::is_terminal_control(c) || crate::text::is_bidi_control(c)
    };
    let c = fields.iter().flat_map(|f| f.chars()).find(|c| bad(*c))?;
    let offset = body
        .get(from..)
        .and_then(|rest| rest.find(c))
        .map_or(from, |i| from + i);
    let (line, col) = lines.position(offset);
    Some(Diagnostic {
        path: path.to_path_buf(),
        line,
        col,
        severity: Severity::Error,
        message: format!(
            "this row holds U+{:04X}, a control character that would act on a learner's terminal",
            u32::from(c)
        ),
    })
}

fn dropped_notes(dropped: &[(usize, String)]) -> Vec<String> {
    dropped
        .iter()
        .map(|(i, name)| {
            format!(
                "column {} ({}) is not a card field, and is dropped (fields: front, back, area, \
                 tags, source, kind, options, answer, accept, explanation)",
                i + 1,
                crate::text::quoted(name)
            )
        })
        .collect()
}

/// Rows with more or fewer columns than the header (or the first row):
/// often a comma inside a field that needs quotes.
fn odd_notes(odd: &[(usize, usize)], width: usize, named: bool) -> Vec<String> {
    let against = if named {
        "the header row"
    } else {
        "the first row"
    };
    let mut notes: Vec<String> = odd
        .iter()
        .take(ODD_ROWS_SHOWN)
        .map(|(line, n)| {
            let hint = if *n > width {
                ": a separator inside a field needs the field in quotes"
            } else {
                ""
            };
            format!("line {line} has {n} columns where {against} has {width}{hint}")
        })
        .collect();
    if odd.len() > ODD_ROWS_SHOWN {
        notes.push(format!(
            "and {} more rows with another number of columns",
            odd.len() - ODD_ROWS_SHOWN
        ));
    }
    notes
}

/// The deck the rows made, checked as any deck file is.
fn finish(
    path: &Path,
    headers: &anki::Headers,
    options: &Options,
    builder: Builder<'_>,
    notes: Vec<String>,
) -> Result<Imported, Invalid> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = (options.title.clone())
        .or_else(|| headers.deck.clone())
        .unwrap_or_else(|| stem.clone());
    let id = (options.id.clone())
        .or_else(|| headers.deck.as_deref().and_then(|d| builder::slug(d, 60)))
        .or_else(|| builder::slug(&stem, 60))
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
            new_cards: NewCards::default(),
        },
        areas: builder.areas,
        cards: builder.cards,
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
