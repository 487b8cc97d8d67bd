//! The data the store traits take and give: backend-neutral, with ids as
//! newtypes and times as `DateTime<Utc>` or study days.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::deck::{Area, Card, NewCards};
use crate::model::{CardId, CardKey, DeckId, Mode, UserId};
use crate::sched::{Quality, Rollover, State, StudyDay};

/// A learner, with the settings their drills follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    /// New cards introduced per study day.
    pub new_per_day: u32,
    /// Reviews of due cards per study day.
    pub reviews_per_day: u32,
    pub rollover: Rollover,
}

/// A user and how much they have done, for `recall user list`.
#[derive(Debug, Clone)]
pub struct UserSummary {
    pub user: User,
    pub created_at: DateTime<Utc>,
    pub reviews: u64,
    pub cards: u64,
}

/// A setting `recall user set KEY VALUE` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    NewPerDay(u32),
    ReviewsPerDay(u32),
    RolloverHour(Rollover),
}

impl Setting {
    /// The keys, as typed.
    pub const KEYS: [&'static str; 3] = ["new-per-day", "reviews-per-day", "rollover-hour"];

    /// A setting from its key and value as typed.
    pub fn parse(key: &str, value: &str) -> Result<Setting, String> {
        let count = || {
            let v = value.trim();
            match v.parse::<u64>() {
                Ok(n) => u32::try_from(n)
                    .map_err(|_| format!("{key} must be at most {}, got {v}", u32::MAX)),
                Err(_) => Err(format!(
                    "{key} must be a whole number, got {}",
                    crate::text::quoted(value)
                )),
            }
        };
        match key {
            "new-per-day" => count().map(Setting::NewPerDay),
            "reviews-per-day" => count().map(Setting::ReviewsPerDay),
            "rollover-hour" => value
                .parse()
                .map(Setting::RolloverHour)
                .map_err(|e| e.to_string()),
            _ => Err(format!(
                "unknown setting {} (settings: {})",
                crate::text::quoted(key),
                Setting::KEYS.join(", ")
            )),
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::NewPerDay(n) => write!(f, "new-per-day = {n}"),
            Setting::ReviewsPerDay(n) => write!(f, "reviews-per-day = {n}"),
            Setting::RolloverHour(r) => write!(f, "rollover-hour = {}", r.hour()),
        }
    }
}

/// Whether `name` can name a user: 1-64 characters, not only spaces, and
/// nothing invisible that could make two names look alike or reorder what
/// is printed around it.
pub fn valid_user_name(name: &str) -> bool {
    check_user_name(name).is_ok()
}

/// Why `name` cannot name a user, if it cannot.
pub fn check_user_name(name: &str) -> Result<(), String> {
    let shown = crate::text::quoted(name);
    let why = if name.trim().is_empty() {
        "a name needs a visible character"
    } else if name.chars().count() > 64 {
        "a name has at most 64 characters"
    } else if name.chars().any(char::is_control) {
        "a name may not hold control characters (they act on the terminal)"
    } else if name.chars().any(crate::text::is_bidi_control) {
        "a name may not hold right-to-left overrides or isolates (they reorder the text around them)"
    } else if name.chars().any(crate::text::is_invisible) {
        "a name may not hold zero-width or invisible characters (two names would look alike)"
    } else {
        return Ok(());
    };
    Err(format!("{shown} cannot name a user: {why}"))
}

/// What installing a deck file changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    pub deck: DeckId,
    pub version: u32,
    /// The version installed before, if any.
    pub previous: Option<u32>,
    pub added: usize,
    pub changed: usize,
    pub retired: usize,
    pub restored: usize,
    pub unchanged: usize,
    /// Whether the title, version, description or areas changed.
    pub details_changed: bool,
}

impl InstallReport {
    /// Whether the database was written at all.
    pub fn changed_anything(&self) -> bool {
        self.previous.is_none()
            || self.details_changed
            || self.added + self.changed + self.retired + self.restored > 0
    }
}

/// One installed deck, as `recall deck list` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckSummary {
    pub id: DeckId,
    pub title: String,
    pub version: u32,
    /// Active (not retired) cards.
    pub cards: u64,
    pub retired: u64,
    pub areas: u64,
    /// For the user asked about: cards due on or before the day.
    pub due: Option<u64>,
    /// For the user asked about: active cards never answered.
    pub new: Option<u64>,
}

/// An installed deck in full, as `recall deck show` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstalledDeck {
    pub summary: DeckSummary,
    pub description: Option<String>,
    pub installed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Each area with its number of active cards.
    pub areas: Vec<(Area, u64)>,
}

/// An active card with its area and the user's state of it: what a
/// session plans with.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyCard {
    pub key: CardKey,
    pub card: Card,
    pub area_name: String,
    /// The user's state of the card before this session.
    pub state: State,
    /// Where the card stands in its deck file, for new-card order.
    pub position: usize,
    /// Where its area stands in the deck's list of areas.
    pub area_position: usize,
    /// How its deck introduces new cards.
    pub new_cards: NewCards,
}

/// One drill, repeat or quiz answer of a study day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayReview {
    pub card: CardKey,
    pub mode: Mode,
    pub quality: Quality,
    /// Whether the card was new before it (never scheduled).
    pub was_new: bool,
}

/// A drill session, for the streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserId,
    pub day: StudyDay,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
    /// First answers given.
    pub cards: usize,
    /// Whether it went through what it had (or its time), with something
    /// to drill.
    pub finished: bool,
}

/// One review as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedReview {
    /// Where it stands in the order of recording (the backend's own).
    pub seq: i64,
    /// Its identity, the same in every database it reaches.
    pub id: String,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub mode: Mode,
    pub quality: Quality,
    pub response_ms: Option<u32>,
    pub before: State,
    pub after: State,
}

/// A review to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub id: String,
    pub card: CardKey,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub mode: Mode,
    pub quality: Quality,
    pub response_ms: Option<u32>,
}

/// One card's log, in replay order (time, then recording), and the state
/// stored for it with its last rescheduling review's time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardLog {
    pub reviews: Vec<LoggedReview>,
    pub stored: Option<(State, DateTime<Utc>)>,
}

/// What to write for one card, in the transaction that read its log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardWrite {
    /// A review to append, with the states before and after it.
    pub append: Option<(NewReview, State, State)>,
    /// Reviews already logged whose states before and after change, by
    /// their `seq`.
    pub rewrite: Vec<(i64, State, State)>,
    /// The card's state and its last rescheduling review's time; `None`
    /// when no review schedules it (the stored state goes).
    pub state: Option<(State, DateTime<Utc>)>,
}

/// Whether a review from a file is already in a learner's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The same review, already logged.
    Present,
    /// Not in the log: the id it gets.
    Missing(String),
}

/// A mock exam attempt, as the store numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExamId(pub i64);

/// One question of an attempt, as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAnswer {
    pub card: CardId,
    pub area: String,
    pub area_name: String,
    pub question: String,
    pub solution: String,
    /// `None`: not answered (time ran out, or the exam was stopped).
    pub given: Option<String>,
    pub correct: bool,
}

/// An attempt to store whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamRecord {
    pub deck: DeckId,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
    pub seed: u64,
    pub pass_mark: u32,
    pub timed_out: bool,
    pub answers: Vec<ExamAnswer>,
}

/// An attempt as it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamStart {
    pub deck: DeckId,
    pub started: DateTime<Utc>,
    pub seed: u64,
    pub pass_mark: u32,
    /// Questions asked in all.
    pub questions: usize,
}

/// One exam answer as given: the question, as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenAnswer {
    /// 0-based place of the question in the exam.
    pub position: usize,
    pub answer: ExamAnswer,
    pub at: DateTime<Utc>,
}

/// A past attempt with its scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAttempt {
    pub id: ExamId,
    pub deck: DeckId,
    pub started_at: DateTime<Utc>,
    /// Whole minutes from start to end.
    pub minutes: i64,
    pub questions: usize,
    pub correct: usize,
    pub pass_mark: u32,
    pub timed_out: bool,
    /// Whether it was scored: every question answered, or time ran out.
    /// An attempt stopped or cut off is abandoned: kept, never scored.
    pub finished: bool,
    /// Each area's score, in the order first asked.
    pub areas: Vec<AreaScoreRow>,
}

/// One area's score in an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaScoreRow {
    pub area: String,
    pub name: String,
    pub correct: usize,
    pub total: usize,
}

/// A card as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCard {
    pub user: UserId,
    pub deck: DeckId,
    pub card: CardId,
    pub area: String,
    pub retired: bool,
    /// `None`: never scheduled.
    pub state: Option<State>,
}

/// A scheduled review: the first drill or quiz answer of a study day to a
/// card already learned (repetitions of 1 or more before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledReview {
    pub user: UserId,
    pub deck: DeckId,
    pub area: String,
    pub day: StudyDay,
    pub quality: Quality,
    /// The interval before the answer: under 21 days is young, else mature.
    pub interval_before: u32,
}

/// The latest scored exam score of a user in one area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamScore {
    pub user: UserId,
    pub deck: DeckId,
    pub area: String,
    pub correct: usize,
    pub total: usize,
    /// When that exam started.
    pub at: DateTime<Utc>,
}

/// A deck's area in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaName {
    pub deck: DeckId,
    pub area: String,
    pub name: String,
}

/// How much a database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: u64,
    /// Installed decks: none means nothing can be drilled.
    pub decks: u64,
    pub reviews: u64,
    pub states: u64,
}

/// A stored card state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredState {
    pub user: UserId,
    pub card: CardKey,
    pub state: State,
    /// Its last rescheduling review's time.
    pub last: DateTime<Utc>,
}
