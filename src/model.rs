//! The vocabulary every layer shares: who (a learner's id), which card
//! (deck and card ids), and how an answer was given (its mode). Plain data
//! with no rules: what a mode does to a schedule is `review`'s to say.

use std::fmt;
use std::str::FromStr;

/// A learner, as the store numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Declares a string identifier newtype.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(String);

        impl $name {
            /// The id as written in a deck file.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_string())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

text_id!(
    /// A deck, by the id its file gives it.
    DeckId
);
text_id!(
    /// A card, by the id its deck file gives it (unique in its deck).
    CardId
);

/// A card by deck and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardKey {
    /// The deck the card belongs to.
    pub deck: DeckId,
    /// The card's id in that deck.
    pub card: CardId,
}

impl CardKey {
    /// The card `card` of deck `deck`.
    pub fn new(deck: impl Into<DeckId>, card: impl Into<CardId>) -> CardKey {
        CardKey {
            deck: deck.into(),
            card: card.into(),
        }
    }
}

impl fmt::Display for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.deck, self.card)
    }
}

/// How an answer was given. Whether a mode reschedules is said here, for
/// every layer (the store filters on it); what it does to a card's
/// schedule is the review rules' (`review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A self-graded drill answer.
    Drill,
    /// SM-2's end-of-session repeat of a card graded below 4.
    DrillRepeat,
    /// An auto-graded quiz answer.
    Quiz,
    /// A mock-exam answer.
    Exam,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [Mode::Drill, Mode::DrillRepeat, Mode::Quiz, Mode::Exam];

    /// Whether an answer in this mode may move the card's schedule (and so
    /// counts as the card's last review): drill and quiz answers do; SM-2's
    /// end-of-session repeats and exam answers never do. What it does to
    /// the schedule is `Mode::apply`, in the review rules.
    pub fn reschedules(self) -> bool {
        matches!(self, Mode::Drill | Mode::Quiz)
    }

    /// The name stored in the log.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Drill => "drill",
            Mode::DrillRepeat => "drill-repeat",
            Mode::Quiz => "quiz",
            Mode::Exam => "exam",
        }
    }
}

/// How an answer compares with the right one, as judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// Neither right nor within a small typo of a right answer.
    Wrong,
    /// Right but for a small typo.
    Close,
    /// Right: the same once case, spacing, punctuation and a leading article
    /// are set aside (or one of the accepted forms).
    Exact,
}

/// A mode name the log does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode {0:?} (drill, drill-repeat, quiz or exam)")]
pub struct ModeError(pub String);

impl FromStr for Mode {
    type Err = ModeError;

    fn from_str(s: &str) -> Result<Mode, ModeError> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| ModeError(s.to_string()))
    }
}
