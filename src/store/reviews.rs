//! Recording answers: one review row appended and the card's state moved
//! on, in one transaction, before the next card is shown.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, TxError, timestamp};
use crate::sched::{Ease, Interval, Quality, State, StudyDay};

/// A card by deck and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardKey {
    pub deck: String,
    pub card: String,
}

impl fmt::Display for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.deck, self.card)
    }
}

/// How an answer was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A self-graded drill answer: reschedules.
    Drill,
    /// SM-2's end-of-session repeat of a card below 4: does not reschedule.
    DrillRepeat,
    /// An auto-graded quiz answer: reschedules.
    Quiz,
    /// A mock-exam answer: never reschedules.
    Exam,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Drill, Mode::DrillRepeat, Mode::Quiz, Mode::Exam];

    /// The name stored in the log.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Drill => "drill",
            Mode::DrillRepeat => "drill-repeat",
            Mode::Quiz => "quiz",
            Mode::Exam => "exam",
        }
    }

    /// Whether an answer in this mode may move the card's schedule (and so
    /// counts as the card's last review).
    pub fn reschedules(self) -> bool {
        matches!(self, Mode::Drill | Mode::Quiz)
    }

    /// The state after answering with `q` on `day` in this mode.
    ///
    /// A drill answer goes through SM-2. So does a quiz answer, except that
    /// a card quizzed before it is due and recalled keeps its schedule:
    /// recalling it early says nothing SM-2's next interval could use, and
    /// counting it would stretch the interval from a review that came too
    /// soon. Forgotten early, it starts over like any failure. Repeats and
    /// exam answers never move the schedule.
    pub fn apply(self, before: State, q: Quality, day: StudyDay) -> State {
        match self {
            Mode::Drill => before.answer(q, day),
            Mode::Quiz if q.passed() && before.due.is_some_and(|due| due > day) => before,
            Mode::Quiz => before.answer(q, day),
            Mode::DrillRepeat | Mode::Exam => before,
        }
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Mode, String> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown mode {s:?} (drill, drill-repeat, quiz or exam)"))
    }
}

/// What recording an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub before: State,
    pub after: State,
    /// The time stored: the answer's own, to the millisecond.
    pub reviewed_at: DateTime<Utc>,
    /// The review's identity, unique in every database it reaches.
    pub id: String,
}

/// A new review id: 128 random bits as 32 hex digits.
pub(super) fn new_review_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A time as stored: to the millisecond.
pub(super) fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    at - Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1_000_000))
}

pub(super) const STATE_COLUMNS: &str = "repetitions, ease, interval, due, lapses";

/// A state from five columns starting at `at`: repetitions, ease, interval,
/// due (text or NULL), lapses.
pub(super) fn state_at(row: &Row<'_>, at: usize) -> rusqlite::Result<State> {
    let due: Option<String> = row.get(at + 3)?;
    let due = due
        .map(|d| d.parse::<StudyDay>().map_err(super::bad_text))
        .transpose()?;
    Ok(State {
        repetitions: row.get(at)?,
        ease: Ease::from_hundredths(row.get(at + 1)?),
        interval: Interval::days(row.get(at + 2)?),
        lapses: row.get(at + 4)?,
        due,
    })
}

/// A state's five column values.
pub(super) fn state_values(s: &State) -> (u32, u16, u32, Option<String>, u32) {
    (
        s.repetitions,
        s.ease.hundredths(),
        s.interval.get(),
        s.due.map(|d| d.to_string()),
        s.lapses,
    )
}

impl Store {
    /// Records one answer: appends it to the log and, in a mode that
    /// reschedules, moves the card's state on by SM-2. Committed when this
    /// returns.
    ///
    /// The answer keeps its own time. The log is replayed in time order,
    /// so an answer timed before the card's latest review (the clock was
    /// once set ahead) is placed where its time puts it and the card's
    /// states are replayed from there: the stored state is always what the
    /// log gives.
    #[allow(clippy::too_many_arguments)]
    pub fn record_review(
        &mut self,
        user: i64,
        card: &CardKey,
        quality: Quality,
        mode: Mode,
        at: DateTime<Utc>,
        day: StudyDay,
        response_ms: Option<u32>,
    ) -> Result<Recorded, StoreError> {
        let at = to_millis(at);
        self.write(|tx| record_in(tx, user, card, quality, mode, at, day, response_ms))
    }

    /// Every card state a user has, ordered by deck and card.
    pub fn card_states(&self, user: i64) -> Result<Vec<(CardKey, State)>, StoreError> {
        let sql = format!(
            "SELECT deck_id, card_id, {STATE_COLUMNS} FROM card_state WHERE user_id = ?1
             ORDER BY deck_id, card_id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([user], |r| {
                let key = CardKey {
                    deck: r.get(0)?,
                    card: r.get(1)?,
                };
                Ok((key, state_at(r, 2)?))
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// A user's state of one card (new if never scheduled).
    pub fn card_state(&self, user: i64, card: &CardKey) -> Result<State, StoreError> {
        load_state(&self.conn, user, card).map_err(self.err())
    }
}

/// [`Store::record_review`] inside a transaction.
#[allow(clippy::too_many_arguments)]
pub(super) fn record_in(
    tx: &rusqlite::Transaction<'_>,
    user: i64,
    card: &CardKey,
    quality: Quality,
    mode: Mode,
    at: DateTime<Utc>,
    day: StudyDay,
    response_ms: Option<u32>,
) -> Result<Recorded, TxError> {
    let at = to_millis(at);
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND id = ?2)",
        params![card.deck, card.card],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(TxError::Store(StoreError::UnknownCard {
            deck: card.deck.clone(),
            card: card.card.clone(),
        }));
    }
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)",
        [user],
        |r| r.get(0),
    )?;
    if !known {
        return Err(TxError::Store(StoreError::NoSuchUser(user)));
    }
    let latest: Option<String> = tx.query_row(
        "SELECT MAX(reviewed_at) FROM reviews
         WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3",
        params![user, card.deck, card.card],
        |r| r.get(0),
    )?;
    let id = new_review_id();
    let review = NewReview {
        id: &id,
        card,
        at,
        day,
        mode,
        quality,
        response_ms,
    };
    if latest.is_some_and(|latest| latest > timestamp(at)) {
        insert_review(tx, user, &review, &State::NEW, &State::NEW)?;
        super::check::rebuild_card(tx, user, card)?;
        let (before, after) = tx.query_row(
            &format!("SELECT {BEFORE_COLUMNS}, {AFTER_COLUMNS} FROM reviews WHERE uid = ?1"),
            [&id],
            |r| Ok((state_at(r, 0)?, state_at(r, 5)?)),
        )?;
        return Ok(Recorded {
            before,
            after,
            reviewed_at: at,
            id,
        });
    }
    let before = load_state(tx, user, card)?;
    let after = mode.apply(before, quality, day);
    insert_review(tx, user, &review, &before, &after)?;
    if mode.reschedules() {
        save_state(tx, user, card, &after, at)?;
    }
    Ok(Recorded {
        before,
        after,
        reviewed_at: at,
        id,
    })
}

pub(super) fn load_state(
    conn: &rusqlite::Connection,
    user: i64,
    card: &CardKey,
) -> rusqlite::Result<State> {
    let sql = format!(
        "SELECT {STATE_COLUMNS} FROM card_state WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3"
    );
    let state = conn
        .query_row(&sql, params![user, card.deck, card.card], |r| {
            state_at(r, 0)
        })
        .optional()?;
    Ok(state.unwrap_or(State::NEW))
}

/// A review to append to the log.
pub(super) struct NewReview<'a> {
    pub id: &'a str,
    pub card: &'a CardKey,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub mode: Mode,
    pub quality: Quality,
    pub response_ms: Option<u32>,
}

/// The state columns of a review before and after it, in `state_at` order.
pub(super) const BEFORE_COLUMNS: &str =
    "before_reps, before_ease, before_interval, before_due, before_lapses";
pub(super) const AFTER_COLUMNS: &str =
    "after_reps, after_ease, after_interval, after_due, after_lapses";

pub(super) fn insert_review(
    conn: &rusqlite::Connection,
    user: i64,
    r: &NewReview<'_>,
    before: &State,
    after: &State,
) -> rusqlite::Result<()> {
    let b = state_values(before);
    let a = state_values(after);
    conn.prepare_cached(
        "INSERT INTO reviews (uid, user_id, deck_id, card_id, reviewed_at, study_day, mode,
            quality, response_ms, before_reps, before_ease, before_interval, before_due,
            before_lapses, after_reps, after_ease, after_interval, after_due, after_lapses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19)",
    )?
    .execute(params![
        r.id,
        user,
        r.card.deck,
        r.card.card,
        timestamp(r.at),
        r.day.to_string(),
        r.mode.name(),
        r.quality.value(),
        r.response_ms,
        b.0,
        b.1,
        b.2,
        b.3,
        b.4,
        a.0,
        a.1,
        a.2,
        a.3,
        a.4
    ])?;
    Ok(())
}

pub(super) fn save_state(
    conn: &rusqlite::Connection,
    user: i64,
    card: &CardKey,
    state: &State,
    last_review: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let s = state_values(state);
    conn.prepare_cached(
        "INSERT INTO card_state (user_id, deck_id, card_id, repetitions, ease, interval, due,
            lapses, last_review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (user_id, deck_id, card_id) DO UPDATE SET
            repetitions = excluded.repetitions, ease = excluded.ease,
            interval = excluded.interval, due = excluded.due, lapses = excluded.lapses,
            last_review = excluded.last_review",
    )?
    .execute(params![
        user,
        card.deck,
        card.card,
        s.0,
        s.1,
        s.2,
        s.3,
        s.4,
        timestamp(last_review)
    ])?;
    Ok(())
}
