//! Which column of a spreadsheet holds what: a header row recognised by
//! its names (in the words a spreadsheet uses: Question, Answer, Topic),
//! Anki's fixed order otherwise, and the separator sniffed from the rows.

use std::path::Path;

/// A card field a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    /// The front, question, statement or cloze text.
    Front,
    /// The back of a basic card.
    Back,
    Area,
    Tags,
    Source,
    /// basic, cloze, choice, truefalse or typed.
    Kind,
    /// A choice card's options, separated by `|` or `;`.
    Options,
    /// The answer of a choice, true/false or typed card (and the back of a
    /// basic one when there is no back column).
    Answer,
    /// Other answers a typed card takes, separated by `|` or `;`.
    Accept,
    /// What a true/false card explains after the answer.
    Explanation,
}

/// The names a header row may give each field, lowercase.
const NAMES: [(Field, &[&str]); 10] = [
    (
        Field::Front,
        &["front", "question", "prompt", "term", "statement", "text"],
    ),
    (Field::Back, &["back", "definition", "response", "meaning"]),
    (
        Field::Area,
        &["area", "topic", "skill", "category", "section", "subject"],
    ),
    (Field::Tags, &["tags", "tag", "labels"]),
    (Field::Source, &["source", "reference", "citation"]),
    (Field::Kind, &["kind", "type", "card type"]),
    (Field::Options, &["options", "choices"]),
    (
        Field::Answer,
        &["answer", "correct answer", "correct", "solution"],
    ),
    (Field::Accept, &["accept", "alternatives", "also accept"]),
    (Field::Explanation, &["explanation", "why"]),
];

/// The field a header cell names, if any.
fn field_named(name: &str) -> Option<Field> {
    let name = name.trim().to_lowercase();
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(f, _)| *f)
}

/// Which field each column holds.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    fields: Vec<Option<Field>>,
    /// Whether a header row named them (and so how many there should be).
    pub named: bool,
}

impl Columns {
    /// Front, back, area and tags in that order, skipping the columns
    /// Anki's headers reserve; `#tags column` puts tags where it says.
    pub fn anki(tags: Option<usize>, reserved: &[usize]) -> Columns {
        let width = reserved
            .iter()
            .copied()
            .chain(tags)
            .max()
            .map_or(4, |m| (m + 1).max(4 + reserved.len()));
        let mut fields = vec![None; width.max(4)];
        if let Some(t) = tags {
            fields[t] = Some(Field::Tags);
        }
        let mut order = [Field::Front, Field::Back, Field::Area, Field::Tags]
            .into_iter()
            .filter(|f| tags.is_none() || *f != Field::Tags);
        for (i, slot) in fields.iter_mut().enumerate() {
            if slot.is_none() && !reserved.contains(&i) {
                *slot = order.next();
            }
        }
        Columns {
            fields,
            named: false,
        }
    }

    /// The columns a header row names, if `cells` is one: it names a
    /// front and a back (or an answer). Cells naming no field are the
    /// dropped columns, by their 0-based index and name.
    pub fn from_header(cells: &[&str]) -> Option<(Columns, Vec<(usize, String)>)> {
        let fields: Vec<Option<Field>> = cells.iter().map(|c| field_named(c)).collect();
        let has = |f: Field| fields.contains(&Some(f));
        if !has(Field::Front) || !(has(Field::Back) || has(Field::Answer)) {
            return None;
        }
        let dropped = cells
            .iter()
            .zip(&fields)
            .enumerate()
            .filter(|(_, (c, f))| f.is_none() && !c.trim().is_empty())
            .map(|(i, (c, _))| (i, c.trim().to_string()))
            .collect();
        Some((
            Columns {
                fields,
                named: true,
            },
            dropped,
        ))
    }

    /// How many columns a row should have, when a header row says.
    pub fn width(&self) -> Option<usize> {
        self.named.then_some(self.fields.len())
    }

    /// The cell of `row` that holds `field`, trimmed; "" when none does.
    pub fn get<'r>(&self, row: &[&'r str], field: Field) -> &'r str {
        self.fields
            .iter()
            .position(|f| *f == Some(field))
            .and_then(|i| row.get(i))
            .map_or("", |c| c.trim())
    }

    /// Whether a column holds `field`.
    #[cfg(test)]
    pub fn has(&self, field: Field) -> bool {
        self.fields.contains(&Some(field))
    }
}

/// The separator of a file with no `#separator:` line: a tab for `.tsv`
/// and `.tab` files; otherwise the one of comma, semicolon (a spreadsheet
/// saved in a European locale), tab and pipe that splits the first rows
/// into the same number of columns, two or more, most consistently.
pub(super) fn sniff(path: &Path, body: &str) -> u8 {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext.eq_ignore_ascii_case("tsv") || ext.eq_ignore_ascii_case("tab") {
        return b'\t';
    }
    let mut best = (0usize, 0usize, b',');
    for sep in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes())
            .records()
            .take(50)
            .filter_map(Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .map(|r| r.len())
            .collect();
        let Some(mode) = mode(&counts) else { continue };
        if mode < 2 {
            continue;
        }
        let agree = counts.iter().filter(|c| **c == mode).count();
        if (agree, mode) > (best.0, best.1) {
            best = (agree, mode, sep);
        }
    }
    best.2
}

/// The most common value, the larger on a tie.
fn mode(values: &[usize]) -> Option<usize> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(x, _)| x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((*v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(v, n)| (*n, *v))
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_row_is_known_by_the_names_a_spreadsheet_uses() {
        let (c, dropped) = Columns::from_header(&["Question", "Answer", "Topic", "Notes"]).unwrap();
        assert!(c.has(Field::Front) && c.has(Field::Answer) && c.has(Field::Area));
        assert_eq!(dropped, [(3, "Notes".to_string())]);
        assert!(Columns::from_header(&["What is X?", "An x", "Area"]).is_none());
    }

    #[test]
    fn the_separator_is_the_one_that_splits_rows_evenly() {
        let p = Path::new("s.csv");
        assert_eq!(
            sniff(p, "Question;Answer;Area\nWhat, then?;Yes, this;A\n"),
            b';'
        );
        assert_eq!(sniff(p, "q,a\nb,c\n"), b',');
        assert_eq!(sniff(p, "q\ta\nb\tc, d\n"), b'\t');
        assert_eq!(sniff(Path::new("x.tsv"), "a,b\n"), b'\t');
    }

    #[test]
    fn anki_order_skips_reserved_columns() {
        let c = Columns::anki(Some(5), &[0, 1, 2]);
        let row = ["guid", "Basic", "Default", "Q", "A", "t1"];
        assert_eq!(c.get(&row, Field::Front), "Q");
        assert_eq!(c.get(&row, Field::Back), "A");
        assert_eq!(c.get(&row, Field::Tags), "t1");
    }
}
