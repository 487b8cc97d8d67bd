//! Rows into cards and areas, in time linear in the rows: each row's kind
//! (basic unless a kind column says otherwise), an area made from each
//! distinct area name, and a card id from the front text that survives a
//! re-import.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Options;
use super::columns::{Columns, Field};
use crate::deck::cloze;
use crate::deck::lint::fields::is_id;
use crate::deck::model::{Area, Card, Content, Kind};
use crate::text::fnv1a;

/// Collects rows into cards and areas.
pub(super) struct Builder<'o> {
    options: &'o Options,
    /// Tags every card gets (Anki's `#tags:`).
    tags: Vec<String>,
    pub areas: Vec<Area>,
    /// Each area's id by its name.
    area_ids: HashMap<String, String>,
    /// Every area id given, and the next number to try after each base.
    taken_areas: HashSet<String>,
    next_area: HashMap<String, usize>,
    pub cards: Vec<Card>,
    /// Every card id given.
    ids: HashSet<String>,
    /// For a front's id that repeats: the lines of its rows.
    repeats: HashMap<String, Vec<usize>>,
}

/// The most repeated fronts an import names one by one.
const REPEATS_SHOWN: usize = 10;

impl<'o> Builder<'o> {
    pub fn new(options: &'o Options, tags: Vec<String>) -> Builder<'o> {
        Builder {
            options,
            tags,
            areas: Vec::new(),
            area_ids: HashMap::new(),
            taken_areas: HashSet::new(),
            next_area: HashMap::new(),
            cards: Vec::new(),
            ids: HashSet::new(),
            repeats: HashMap::new(),
        }
    }

    /// Adds the card a row holds, or says why it cannot be one.
    pub fn row(&mut self, fields: &[&str], columns: &Columns, line: usize) -> Result<(), String> {
        let get = |f: Field| columns.get(fields, f);
        let kind = match get(Field::Kind) {
            "" => Kind::Basic,
            name => kind_named(name).ok_or_else(|| {
                format!(
                    "unknown kind {} (basic, cloze, choice, truefalse or typed)",
                    crate::text::quoted(name)
                )
            })?,
        };
        let front = get(Field::Front);
        // The answer column serves as the back where there is no back.
        let answer = match (get(Field::Answer), get(Field::Back)) {
            ("", back) => back,
            (answer, _) => answer,
        };
        let back = match get(Field::Back) {
            "" => answer,
            back => back,
        };
        if front.is_empty() {
            return Err("row has no front".to_string());
        }
        let content = match kind {
            Kind::Basic if back.is_empty() => return Err("row has no back".to_string()),
            Kind::Basic => Content::Basic {
                front: front.to_string(),
                back: back.to_string(),
            },
            Kind::Cloze => {
                if let Err(problems) = cloze::parse(front) {
                    let first = problems.first().map_or("", |p| p.message.as_str());
                    return Err(format!("the cloze text: {first}"));
                }
                Content::Cloze {
                    text: front.to_string(),
                    accept: BTreeMap::new(),
                }
            }
            Kind::Choice => choice(front, get(Field::Options), answer)?,
            Kind::TrueFalse => Content::TrueFalse {
                statement: front.to_string(),
                answer: truth(answer)?,
                explanation: Some(get(Field::Explanation).to_string()).filter(|e| !e.is_empty()),
            },
            Kind::Typed if answer.is_empty() => return Err("row has no answer".to_string()),
            Kind::Typed => Content::Typed {
                question: front.to_string(),
                answer: answer.to_string(),
                accept: list(get(Field::Accept)),
            },
        };
        let area = match get(Field::Area) {
            "" => self.options.area.clone(),
            name => name.to_string(),
        };
        let area = self.area(&area);
        let mut tags = self.tags.clone();
        for tag in get(Field::Tags).split_whitespace() {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
        let id = self.id(front, line);
        self.cards.push(Card {
            id,
            area,
            content,
            tags,
            source: Some(get(Field::Source).to_string()).filter(|s| !s.is_empty()),
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
    pub fn notes(&self) -> Vec<String> {
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
}

/// A kind as a spreadsheet may name it.
fn kind_named(name: &str) -> Option<Kind> {
    let name = name.trim().to_lowercase().replace(['-', '_', '/', ' '], "");
    match name.as_str() {
        "basic" | "flashcard" | "card" => Some(Kind::Basic),
        "cloze" => Some(Kind::Cloze),
        "choice" | "multiplechoice" | "mc" | "mcq" => Some(Kind::Choice),
        "truefalse" | "tf" => Some(Kind::TrueFalse),
        "typed" | "type" | "shortanswer" | "text" => Some(Kind::Typed),
        _ => None,
    }
}

/// A list in one cell: `a | b | c`, else `a; b; c`.
fn list(cell: &str) -> Vec<String> {
    let sep = if cell.contains('|') { '|' } else { ';' };
    cell.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn choice(question: &str, options: &str, answer: &str) -> Result<Content, String> {
    let options = list(options);
    if !(2..=8).contains(&options.len()) {
        return Err(format!(
            "a choice row needs 2 to 8 options, separated by | or ; (found {})",
            options.len()
        ));
    }
    let answers = list(answer);
    if answers.is_empty() {
        return Err("row has no answer".to_string());
    }
    let mut right = Vec::new();
    for a in answers {
        // An answer may be written as the option or as its letter.
        let letter = (a.chars().count() == 1)
            .then(|| a.to_ascii_lowercase().chars().next())
            .flatten()
            .and_then(|c| ('a'..='h').position(|l| l == c))
            .and_then(|i| options.get(i));
        match options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(&a))
            .or(letter)
        {
            Some(o) => right.push(o.clone()),
            None => {
                return Err(format!(
                    "the answer {} is not one of the options",
                    crate::text::quoted(&a)
                ));
            }
        }
    }
    Ok(Content::Choice {
        question: question.to_string(),
        options,
        answer: right,
    })
}

fn truth(cell: &str) -> Result<bool, String> {
    match cell.trim().to_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Ok(true),
        "false" | "f" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!(
            "a true/false row's answer must be true or false, found {}",
            crate::text::quoted(cell)
        )),
    }
}

/// A lowercase ASCII slug of at most `max` bytes, cut at a word boundary;
/// `None` if nothing usable is left.
pub(super) fn slug(text: &str, max: usize) -> Option<String> {
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
    fn choice_answers_by_text_or_letter() {
        let c = choice("Q?", "red | green | blue", "b").unwrap();
        let Content::Choice { answer, .. } = c else {
            panic!()
        };
        assert_eq!(answer, ["green"]);
        assert!(choice("Q?", "red; green", "purple").is_err());
        assert!(choice("Q?", "red", "red").is_err());
    }
}
