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
    /// The store's number for them.
    pub id: UserId,
    /// Unique; 1 to 64 visible characters (see [`check_user_name`]).
    pub name: String,
    /// New cards introduced per study day.
    pub new_per_day: u32,
    /// Reviews of due cards per study day.
    pub reviews_per_day: u32,
    /// The local hour at which their study day begins.
    pub rollover: Rollover,
}

/// A user and how much they have done, for `recall user list`.
#[derive(Debug, Clone)]
pub struct UserSummary {
    /// The user and their settings.
    pub user: User,
    /// When they were added (UTC, to the millisecond).
    pub created_at: DateTime<Utc>,
    /// Reviews in their log, of every mode.
    pub reviews: u64,
    /// Cards they have a stored state for: those a drill or quiz answer has
    /// scheduled.
    pub cards: u64,
}

/// A setting `recall user set KEY VALUE` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `new-per-day`: new cards introduced per study day.
    NewPerDay(u32),
    /// `reviews-per-day`: reviews of due cards per study day.
    ReviewsPerDay(u32),
    /// `rollover-hour`: the local hour, 0-23, at which a study day begins.
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
    /// The deck installed.
    pub deck: DeckId,
    /// Its version now installed.
    pub version: u32,
    /// The version installed before, if any.
    pub previous: Option<u32>,
    /// Cards new to the database.
    pub added: usize,
    /// Cards whose area, kind or content changed; their history is kept.
    pub changed: usize,
    /// Cards gone from the file, now retired: history kept, drills skip them.
    pub retired: usize,
    /// Retired cards back in the file, active again with their history.
    pub restored: usize,
    /// Cards kept as they were (a card that only moved in the file counts
    /// here).
    pub unchanged: usize,
    /// Whether the title, version, description, new-card order or areas
    /// changed.
    pub details_changed: bool,
}

/// "installed deck x (version 1): 12 cards", or what an update changed.
impl fmt::Display for InstallReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self;
        let Some(previous) = r.previous else {
            return write!(
                f,
                "installed deck {} (version {}): {}",
                r.deck,
                r.version,
                crate::text::plural(r.added, "card")
            );
        };
        if !r.changed_anything() {
            return write!(
                f,
                "deck {} (version {}) is already up to date",
                r.deck, r.version
            );
        }
        let mut parts = Vec::new();
        for (n, what) in [
            (r.added, "added"),
            (r.changed, "changed"),
            (r.restored, "restored"),
            (r.retired, "retired (history kept)"),
            (r.unchanged, "unchanged"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let version = if previous == r.version {
            format!("version {}", r.version)
        } else {
            format!("version {previous} -> {}", r.version)
        };
        write!(
            f,
            "updated deck {} ({version}): {}",
            r.deck,
            parts.join(", ")
        )
    }
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
    /// The deck's id.
    pub id: DeckId,
    /// Its title.
    pub title: String,
    /// The version installed.
    pub version: u32,
    /// Active (not retired) cards.
    pub cards: u64,
    /// Retired cards: gone from the deck file, their history kept.
    pub retired: u64,
    /// How many skill areas it has.
    pub areas: u64,
    /// For the user asked about: cards due on or before the day.
    pub due: Option<u64>,
    /// For the user asked about: active cards never answered.
    pub new: Option<u64>,
}

/// An installed deck in full, as `recall deck show` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstalledDeck {
    /// What `recall deck list` shows for it.
    pub summary: DeckSummary,
    /// Its description; `None` when the deck file gives none.
    pub description: Option<String>,
    /// When it was first installed (UTC, to the millisecond).
    pub installed_at: DateTime<Utc>,
    /// When an install last changed it (UTC, to the millisecond); the first
    /// install's time until then.
    pub updated_at: DateTime<Utc>,
    /// Each area with its number of active cards.
    pub areas: Vec<(Area, u64)>,
}

/// An active card with its area and the user's state of it: what a
/// session plans with.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyCard {
    /// The card's deck and id.
    pub key: CardKey,
    /// The card as installed.
    pub card: Card,
    /// The name of the card's area, as shown to the learner.
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
    /// The card answered.
    pub card: CardKey,
    /// Drill, drill repeat or quiz.
    pub mode: Mode,
    /// The grade recorded.
    pub quality: Quality,
    /// Whether the card was new before it (never scheduled).
    pub was_new: bool,
}

/// A drill session, for the streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The learner who drilled.
    pub user: UserId,
    /// The study day the drill started on.
    pub day: StudyDay,
    /// When it started (UTC).
    pub started: DateTime<Utc>,
    /// When it ended (UTC).
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
    /// When it was given (UTC, to the millisecond).
    pub at: DateTime<Utc>,
    /// The study day it counts for.
    pub day: StudyDay,
    /// How it was given.
    pub mode: Mode,
    /// The grade recorded.
    pub quality: Quality,
    /// Milliseconds from showing the card to the answer; `None` when not
    /// known.
    pub response_ms: Option<u32>,
    /// The card's state before it, as last replayed.
    pub before: State,
    /// The card's state after it, as last replayed.
    pub after: State,
}

/// A review to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// Its identity: a new one (32 hex digits), or the one an imported file
    /// gives.
    pub id: String,
    /// The card answered.
    pub card: CardKey,
    /// When it was given (UTC, to the millisecond).
    pub at: DateTime<Utc>,
    /// The study day it counts for.
    pub day: StudyDay,
    /// How it was given.
    pub mode: Mode,
    /// The grade recorded.
    pub quality: Quality,
    /// Milliseconds from showing the card to the answer; `None` when not
    /// known.
    pub response_ms: Option<u32>,
}

/// One card's log, in replay order (time, then recording), and the state
/// stored for it with its last rescheduling review's time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardLog {
    /// The card's reviews by one learner, in replay order.
    pub reviews: Vec<LoggedReview>,
    /// The stored state with its last rescheduling review's time; `None`
    /// when none is stored (the card is new to the learner).
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
    /// The card asked about, in the attempt's deck.
    pub card: CardId,
    /// The id of the card's area.
    pub area: String,
    /// The area's name when the question was asked.
    pub area_name: String,
    /// The question's prompt, as asked.
    pub question: String,
    /// The right answer, as shown.
    pub solution: String,
    /// `None`: not answered (time ran out, or the exam was stopped).
    pub given: Option<String>,
    /// Whether it counts as right (a typo in a typed answer is forgiven);
    /// `false` when not answered.
    pub correct: bool,
}

/// An attempt to store whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamRecord {
    /// The deck the questions came from.
    pub deck: DeckId,
    /// When it started (UTC).
    pub started: DateTime<Utc>,
    /// When it ended (UTC).
    pub ended: DateTime<Utc>,
    /// The seed the questions were drawn with.
    pub seed: u64,
    /// The score needed to pass, in percent.
    pub pass_mark: u32,
    /// Whether time ran out.
    pub timed_out: bool,
    /// Every question, in the order asked, answered or not.
    pub answers: Vec<ExamAnswer>,
}

/// An attempt as it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamStart {
    /// The attempt's own id, made when it starts.
    pub id: String,
    /// The deck the questions come from.
    pub deck: DeckId,
    /// When it started (UTC).
    pub started: DateTime<Utc>,
    /// The seed the questions were drawn with.
    pub seed: u64,
    /// The score needed to pass, in percent.
    pub pass_mark: u32,
    /// Questions asked in all.
    pub questions: usize,
}

/// One exam answer as given: the question, as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenAnswer {
    /// 0-based place of the question in the exam.
    pub position: usize,
    /// The question, as asked and answered.
    pub answer: ExamAnswer,
    /// When it was answered (UTC).
    pub at: DateTime<Utc>,
}

/// A past attempt with its scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAttempt {
    /// The store's number for it.
    pub id: ExamId,
    /// The deck the questions came from.
    pub deck: DeckId,
    /// When it started (UTC, to the millisecond).
    pub started_at: DateTime<Utc>,
    /// Whole minutes from start to end.
    pub minutes: i64,
    /// Questions asked in all.
    pub questions: usize,
    /// Questions answered right (a typo in a typed answer is forgiven).
    pub correct: usize,
    /// The score needed to pass, in percent.
    pub pass_mark: u32,
    /// Whether time ran out.
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
    /// The area's id.
    pub area: String,
    /// The area's name, as recorded with the attempt.
    pub name: String,
    /// Questions in the area answered right.
    pub correct: usize,
    /// Questions asked in the area.
    pub total: usize,
}

/// A card as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCard {
    /// The learner whose state it is.
    pub user: UserId,
    /// The card's deck.
    pub deck: DeckId,
    /// The card's id.
    pub card: CardId,
    /// The id of the card's area.
    pub area: String,
    /// Whether it is gone from its deck file (history kept).
    pub retired: bool,
    /// `None`: never scheduled.
    pub state: Option<State>,
}

/// Scheduled reviews counted by the store: how many of one learner's
/// scheduled reviews of one area on one study day passed (or failed), on
/// young (or mature) cards.
///
/// A scheduled review is the first drill or quiz answer of a study day to
/// a card already learned (repetitions of 1 or more before it). Answers
/// given in the same millisecond are taken in the order (mode, grade,
/// state before, recording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTally {
    /// The learner who answered.
    pub user: UserId,
    /// The cards' deck.
    pub deck: DeckId,
    /// The id of the cards' area.
    pub area: String,
    /// The study day they count for.
    pub day: StudyDay,
    /// Whether they passed (grade 3 or more).
    pub passed: bool,
    /// Whether the interval before them was [`crate::sched::MATURE_DAYS`]
    /// or more.
    pub mature: bool,
    /// How many there were (1 or more).
    pub count: usize,
}

/// The latest scored exam score of a user in one area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamScore {
    /// The learner.
    pub user: UserId,
    /// The exam's deck.
    pub deck: DeckId,
    /// The area's id.
    pub area: String,
    /// Questions in the area answered right in that exam.
    pub correct: usize,
    /// Questions asked in the area in that exam.
    pub total: usize,
    /// When that exam started.
    pub at: DateTime<Utc>,
}

/// A deck's area in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaName {
    /// The deck it belongs to.
    pub deck: DeckId,
    /// The area's id.
    pub area: String,
    /// The area's name.
    pub name: String,
}

/// How much a database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Learners.
    pub users: u64,
    /// Installed decks: none means nothing can be drilled.
    pub decks: u64,
    /// Reviews logged, of every learner.
    pub reviews: u64,
    /// Stored card states: one for each learner and card scheduled.
    pub states: u64,
}

/// A stored card state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredState {
    /// The learner.
    pub user: UserId,
    /// The card.
    pub card: CardKey,
    /// Its SM-2 state.
    pub state: State,
    /// Its last rescheduling review's time.
    pub last: DateTime<Utc>,
}
