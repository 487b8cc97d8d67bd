//! The deck model: what a checked deck file holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A checked deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deck {
    /// The `[deck]` table: id, title, version and the rest.
    #[serde(rename = "deck")]
    pub info: DeckInfo,
    /// The skill areas, in the file's order (reports follow it, and so does
    /// an interleaved deck's rotation).
    pub areas: Vec<Area>,
    /// The cards, in the file's order: the order new cards come in, unless
    /// the deck interleaves them.
    pub cards: Vec<Card>,
}

/// The `[deck]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeckInfo {
    /// Stable identifier: letters, digits, `-`, `_` and `.`.
    pub id: String,
    /// The name learners see.
    pub title: String,
    /// Bumped by the author on every published change.
    pub version: u32,
    /// A longer account of the deck; `None` when the file gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The order new cards are first shown in.
    #[serde(skip_serializing_if = "NewCards::is_in_order")]
    pub new_cards: NewCards,
}

/// The order a deck's new cards are introduced in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NewCards {
    /// As the file lists them: one area after another.
    #[default]
    InOrder,
    /// A card from each area in turn (in the file's order within an area),
    /// so a learner preparing for an exam meets every skill from the first
    /// day.
    Interleaved,
}

impl NewCards {
    /// The names a deck file uses.
    pub const NAMES: [&'static str; 2] = ["in-order", "interleaved"];

    /// The name a deck file and the database use.
    pub fn name(self) -> &'static str {
        match self {
            NewCards::InOrder => "in-order",
            NewCards::Interleaved => "interleaved",
        }
    }

    /// The order with this name.
    pub fn from_name(name: &str) -> Option<NewCards> {
        match name {
            "in-order" => Some(NewCards::InOrder),
            "interleaved" => Some(NewCards::Interleaved),
            _ => None,
        }
    }

    fn is_in_order(&self) -> bool {
        *self == NewCards::InOrder
    }
}

/// A skill area: cards are grouped, reported and weighted by area.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Area {
    /// Stable identifier that cards name in their `area`: letters, digits,
    /// `-`, `_` and `.`.
    pub id: String,
    /// The name learners and reports see.
    pub name: String,
    /// Relative share of an exam's questions; equal shares when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// One card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Stable identifier, unique in the deck: history follows it.
    pub id: String,
    /// The id of the card's area: one of the deck's areas.
    pub area: String,
    /// What it asks and expects: in the file, `kind` and that kind's fields.
    #[serde(flatten)]
    pub content: Content,
    /// Free labels. `practice` marks a cloze card that describes a practice,
    /// so a quiz may ask which skill it develops; `which-skill` marks one that
    /// already asks that itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The sentence of the source text the card comes from. Cards that
    /// share one are siblings: a drill shows one of them a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a card asks and what it expects, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Content {
    /// A front to recall the back from.
    Basic {
        /// The side shown first.
        front: String,
        /// The side to recall.
        back: String,
    },
    /// A text with `{{c1::answer}}` deletions to fill in, and for each
    /// deletion number (`c1`) the other answers a typed blank accepts.
    Cloze {
        /// The text, with its deletions in Anki's syntax.
        text: String,
        /// Other answers a typed blank takes, by deletion number (`c1`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        accept: BTreeMap<String, Vec<String>>,
    },
    /// A question with options, one or several of them right.
    Choice {
        /// The question asked.
        question: String,
        /// The options, 2 to 8, in file order, none repeated.
        options: Vec<String>,
        /// The right option, or several (select all), each as written in
        /// `options`; a file may give a single one as a plain string.
        #[serde(serialize_with = "one_or_many", deserialize_with = "one_or_many_back")]
        answer: Vec<String>,
    },
    /// A statement that is true or false.
    #[serde(rename = "truefalse")]
    TrueFalse {
        /// The statement judged.
        statement: String,
        /// Whether the statement is true.
        answer: bool,
        /// Shown with the answer once the learner has answered; `None` when the
        /// file gives none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        explanation: Option<String>,
    },
    /// A question answered by typing.
    Typed {
        /// The question asked.
        question: String,
        /// The expected answer. Case, spacing, punctuation and a leading article
        /// do not count; a small typo makes an answer close, not wrong.
        answer: String,
        /// Other answers taken as right, judged the same way.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<String>,
    },
}

/// The kinds of card, as named in deck files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `basic`: a front and a back, graded by the learner.
    Basic,
    /// `cloze`: a text with deletions to fill in.
    Cloze,
    /// `choice`: a question with options, one or several of them right.
    Choice,
    /// `truefalse`: a statement that is true or false.
    TrueFalse,
    /// `typed`: a question answered by typing.
    Typed,
}

impl Kind {
    /// Every kind, in the order messages list them.
    pub const ALL: [Kind; 5] = [
        Kind::Basic,
        Kind::Cloze,
        Kind::Choice,
        Kind::TrueFalse,
        Kind::Typed,
    ];

    /// The name used in deck files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Basic => "basic",
            Kind::Cloze => "cloze",
            Kind::Choice => "choice",
            Kind::TrueFalse => "truefalse",
            Kind::Typed => "typed",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The fields this kind adds to a card, required ones first.
    pub(crate) fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Basic => (&["front", "back"], &[]),
            Kind::Cloze => (&["text"], &["accept"]),
            Kind::Choice => (&["question", "options", "answer"], &[]),
            Kind::TrueFalse => (&["statement", "answer"], &["explanation"]),
            Kind::Typed => (&["question", "answer"], &["accept"]),
        }
    }
}

impl Default for Content {
    /// An empty basic card: the stand-in for a card that failed its checks.
    fn default() -> Content {
        Content::Basic {
            front: String::new(),
            back: String::new(),
        }
    }
}

impl Content {
    /// What the card asks, as one text: the front, the question, the
    /// statement, or the cloze text with its gaps blanked.
    pub fn prompt(&self) -> String {
        match self {
            Content::Basic { front, .. } => front.clone(),
            Content::Cloze { text, .. } => super::cloze::parse(text)
                .map_or_else(|_| text.clone(), |s| super::cloze::prompt(&s)),
            Content::Choice { question, .. } | Content::Typed { question, .. } => question.clone(),
            Content::TrueFalse { statement, .. } => statement.clone(),
        }
    }

    /// This content's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Content::Basic { .. } => Kind::Basic,
            Content::Cloze { .. } => Kind::Cloze,
            Content::Choice { .. } => Kind::Choice,
            Content::TrueFalse { .. } => Kind::TrueFalse,
            Content::Typed { .. } => Kind::Typed,
        }
    }
}

impl Deck {
    /// The area with this id.
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The deck as a TOML deck file.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }
}

/// A single answer is written as a string, several as a list.
fn one_or_many<S: Serializer>(answer: &[String], s: S) -> Result<S::Ok, S::Error> {
    match answer {
        [one] => s.serialize_str(one),
        many => many.serialize(s),
    }
}

fn one_or_many_back<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}
