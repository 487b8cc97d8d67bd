//! What an answer does: the review rules, in one place, as Anki's
//! `scheduler/answering` keeps them.
//!
//! Here are the mode of an answer and whether it moves a schedule, the
//! table from a judged answer to an SM-2 quality, recording an answer (the
//! card's log read, the rule applied, the review appended, in one
//! transaction of the store), the replay that rebuilds card state from the
//! log, SM-2's owed repeats, the streak, and the daily allowance. Every
//! rule is a function of its inputs; the store (`store`) only keeps rows.
//! This module depends on `sched`, `model` and the store's traits; it
//! never prints and never reads the clock.

mod check;
mod copy;
mod day;
mod replay;
mod sync;

use chrono::{DateTime, Utc};

pub use check::{CheckReport, Mismatch, check, repair};
pub use copy::{CopyReport, copy};
pub use day::{Allowance, DayCounts, allowance, answered, day_counts, owed_repeats, streak};
pub use replay::Replay;
pub use sync::{SyncReport, merge, sync};

pub use crate::model::Mode;
use crate::model::{CardKey, Match, UserId};
use crate::sched::{Quality, State, StudyDay};
use crate::store::{
    CardLog, CardWrite, Found, ImportReport, NewReview, Review, ReviewLog, StoreError,
    new_review_id, to_millis,
};

impl Mode {
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

/// How an answer was judged, before it becomes a quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// The learner graded a card they revealed themselves.
    SelfGraded(Quality),
    /// A question answered automatically judged: right, right but for a
    /// small typo, or wrong; `easy` when the learner marked a right answer
    /// easy.
    Auto {
        /// How the answer compared with the right one.
        verdict: Match,
        /// Whether the learner marked a right answer easy.
        easy: bool,
    },
}

/// The SM-2 quality a judged answer records in `mode`: the one table.
///
/// | judged                    | drill | quiz | exam |
/// |---------------------------|-------|------|------|
/// | self-graded q             | q     | q    | q    |
/// | right, marked easy        | 5     | 5    | 4    |
/// | right                     | 4     | 4    | 4    |
/// | right but for a typo      | 3     | 3    | 4    |
/// | wrong                     | 1     | 1    | 1    |
///
/// In a drill the quality of an automatically judged card is only
/// proposed: the learner may grade it otherwise (a `SelfGraded` answer).
/// An exam counts a typo as right, as a marker would, and never asks
/// about ease: its answers never move a schedule anyway.
pub fn quality_for(judged: Judged, mode: Mode) -> Quality {
    let value = match (judged, mode) {
        (Judged::SelfGraded(q), _) => return q,
        (
            Judged::Auto {
                verdict: Match::Wrong,
                ..
            },
            _,
        ) => 1,
        (Judged::Auto { .. }, Mode::Exam) => 4,
        (
            Judged::Auto {
                verdict: Match::Close,
                ..
            },
            _,
        ) => 3,
        (Judged::Auto { easy: true, .. }, _) => 5,
        (Judged::Auto { .. }, _) => 4,
    };
    // Every value above is in 0-5.
    Quality::ALL[value]
}

/// An answer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The learner answering.
    pub user: UserId,
    /// The card answered.
    pub card: CardKey,
    /// The grade recorded.
    pub quality: Quality,
    /// How it was given, which decides what it does to the schedule.
    pub mode: Mode,
    /// When it was given (stored to the millisecond).
    pub at: DateTime<Utc>,
    /// The study day it counts for: the answer's own.
    pub day: StudyDay,
    /// Milliseconds from showing the card to the answer; `None` when not
    /// known.
    pub response_ms: Option<u32>,
}

/// What recording an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The card's state before the answer.
    pub before: State,
    /// The card's state after it: unchanged when the answer does not move
    /// the schedule.
    pub after: State,
    /// The time stored: the answer's own, to the millisecond.
    pub reviewed_at: DateTime<Utc>,
    /// The review's identity, unique in every database it reaches.
    pub id: String,
    /// The grade in the log: the one given, or, when the answer was
    /// already saved under its id, the grade saved then.
    pub quality: Quality,
}

/// Records one answer: appends it to the log and moves the card's state
/// on as its mode says, in one transaction of the store. Committed when
/// this returns.
///
/// The answer keeps its own time. The log is replayed in time order, so
/// an answer timed before the card's latest review (the clock was once set
/// ahead) is placed where its time puts it and the card's states are
/// replayed from there: the stored state is always what the log gives.
pub fn record(log: &mut (impl ReviewLog + ?Sized), a: &Answer) -> Result<Recorded, StoreError> {
    record_once(log, a, &new_review_id())
}

/// Records one answer under the review id `id`, made when the card was
/// shown, at most once: when the log already holds `id` (the answer was
/// saved, but the reply saying so was lost and the learner answered
/// again), nothing is written and what was saved then is returned.
pub fn record_once(
    log: &mut (impl ReviewLog + ?Sized),
    a: &Answer,
    id: &str,
) -> Result<Recorded, StoreError> {
    let mut new = new_review(a);
    new.id = id.to_string();
    let mut recorded = None;
    log.update_card(a.user, &a.card, &mut |card_log| {
        let (write, logged) = write_once(card_log, &new);
        recorded = logged;
        Ok(write)
    })?;
    Ok(recorded.unwrap_or(Recorded {
        before: State::NEW,
        after: State::NEW,
        reviewed_at: new.at,
        id: new.id,
        quality: new.quality,
    }))
}

/// What to write for `new` on a card whose log is `log`: nothing when the
/// log already holds its id (an answer saved whose reply was lost, given
/// again), else what [`write_for`] gives. With the review as logged.
pub fn write_once(log: &CardLog, new: &NewReview) -> (CardWrite, Option<Recorded>) {
    if let Some(r) = log.reviews.iter().find(|r| r.id == new.id) {
        let write = CardWrite {
            append: None,
            rewrite: Vec::new(),
            state: log.stored,
        };
        let logged = Recorded {
            before: r.before,
            after: r.after,
            reviewed_at: r.at,
            id: r.id.clone(),
            quality: r.quality,
        };
        return (write, Some(logged));
    }
    let (write, states) = write_for(log, Some(new.clone()));
    let logged = states.map(|(before, after)| Recorded {
        before,
        after,
        reviewed_at: new.at,
        id: new.id.clone(),
        quality: new.quality,
    });
    (write, logged)
}

/// The review an answer appends, with a new id.
pub fn new_review(a: &Answer) -> NewReview {
    NewReview {
        id: new_review_id(),
        card: a.card.clone(),
        at: to_millis(a.at),
        day: a.day,
        mode: a.mode,
        quality: a.quality,
        response_ms: a.response_ms,
    }
}

/// What to write for a card whose log is `log`, with `new` placed in it
/// by its time (after every review of the same time): the card's log
/// replayed from the start, the states of reviews that change rewritten,
/// and the card's state. With the new review's states before and after.
pub fn write_for(log: &CardLog, new: Option<NewReview>) -> (CardWrite, Option<(State, State)>) {
    let at = new.as_ref().map(|n| n.at);
    let place = at.map_or(log.reviews.len(), |at| {
        log.reviews.partition_point(|r| r.at <= at)
    });
    let mut replay = Replay::default();
    let mut write = CardWrite::default();
    let mut states = None;
    for (i, r) in log.reviews.iter().enumerate() {
        if i == place {
            if let Some(n) = &new {
                states = Some(replay.step(n.mode, n.quality, n.day, n.at));
            }
        }
        let (before, after) = replay.step(r.mode, r.quality, r.day, r.at);
        if (before, after) != (r.before, r.after) {
            write.rewrite.push((r.seq, before, after));
        }
    }
    if place == log.reviews.len() {
        if let Some(n) = &new {
            states = Some(replay.step(n.mode, n.quality, n.day, n.at));
        }
    }
    if let (Some(n), Some((before, after))) = (new, states) {
        write.append = Some((n, before, after));
    }
    write.state = replay.finish();
    (write, states)
}

/// Rebuilds one card's state and its reviews' states from its log;
/// whether the card's state changed.
pub fn rebuild(
    log: &mut (impl ReviewLog + ?Sized),
    user: UserId,
    card: &CardKey,
) -> Result<bool, StoreError> {
    let mut changed = false;
    log.update_card(user, card, &mut |card_log| {
        let (write, _) = write_for(card_log, None);
        changed = write.state != card_log.stored;
        Ok(write)
    })?;
    Ok(changed)
}

/// How long one import transaction may hold the write lock before it
/// commits and lets others in (a drill waiting to save an answer).
const IMPORT_BATCH: std::time::Duration = std::time::Duration::from_millis(200);

/// Adds reviews to a user's log, skipping those already present (the same
/// id; or, for a review without one, the same time, card, mode and grade),
/// then rebuilds the state of every card they name by replaying its log.
///
/// A review id already recorded for another learner or card is refused
/// before anything is written. The writing is done in transactions of a
/// fifth of a second each, so a drill running beside a long import still
/// saves its answers; an import cut short is completed by running it
/// again.
pub fn import_history(
    log: &mut (impl ReviewLog + ?Sized),
    user: UserId,
    reviews: &[Review],
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut fresh: Vec<(NewReview, State, State)> = Vec::new();
    for r in reviews {
        match log.find_review(user, r)? {
            Found::Present => report.present += 1,
            Found::Missing(id) => fresh.push((
                NewReview {
                    id,
                    card: r.card.clone(),
                    at: to_millis(r.at),
                    day: r.day,
                    mode: r.mode,
                    quality: r.quality,
                    response_ms: r.response_ms,
                },
                State::NEW,
                State::NEW,
            )),
        }
    }
    for batch in batches(&fresh, |chunk| log.append_reviews(user, chunk))? {
        report.added += batch;
    }
    let mut cards: Vec<&CardKey> = reviews.iter().map(|r| &r.card).collect();
    cards.sort();
    cards.dedup();
    let started = std::time::Instant::now();
    for card in cards {
        report.rebuilt += usize::from(rebuild(log, user, card)?);
        if started.elapsed() > IMPORT_BATCH {
            pause_for_others();
        }
    }
    Ok(report)
}

/// Feeds `items` to `write` in chunks sized to take about a fifth of a
/// second each, pausing between them for other writers; each chunk's
/// result.
fn batches<T, R>(
    items: &[T],
    mut write: impl FnMut(&[T]) -> Result<R, StoreError>,
) -> Result<Vec<R>, StoreError> {
    let mut out = Vec::new();
    let mut rest = items;
    let mut size = 500;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        let started = std::time::Instant::now();
        out.push(write(chunk)?);
        // Aim the next chunk at the batch time.
        let took = started.elapsed().as_secs_f64().max(1e-4);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let next = (size as f64 * IMPORT_BATCH.as_secs_f64() / took) as usize;
        size = next.clamp(100, 20_000);
        rest = tail;
        if !rest.is_empty() {
            pause_for_others();
        }
    }
    Ok(out)
}

/// Lets a process waiting for the write lock take it between two import
/// transactions: SQLite's busy handler polls, and would miss a lock that
/// is released and taken again at once.
fn pause_for_others() {
    std::thread::sleep(std::time::Duration::from_millis(25));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: u8) -> Quality {
        Quality::new(v).unwrap()
    }

    #[test]
    fn one_table_from_a_judged_answer_to_a_quality() {
        let auto = |verdict, easy| Judged::Auto { verdict, easy };
        let rows = [
            (Judged::SelfGraded(q(2)), [2, 2, 2]),
            (auto(Match::Exact, true), [5, 5, 4]),
            (auto(Match::Exact, false), [4, 4, 4]),
            (auto(Match::Close, false), [3, 3, 4]),
            (auto(Match::Close, true), [3, 3, 4]),
            (auto(Match::Wrong, true), [1, 1, 1]),
        ];
        for (judged, want) in rows {
            for (mode, want) in [Mode::Drill, Mode::Quiz, Mode::Exam].into_iter().zip(want) {
                assert_eq!(quality_for(judged, mode), q(want), "{judged:?} in {mode:?}");
            }
        }
    }

    #[test]
    fn which_modes_move_a_schedule() {
        let day: StudyDay = "2026-03-02".parse().unwrap();
        let due = State::NEW.answer(q(4), day);
        // A drill answer goes through SM-2: interval 1, due the next day.
        assert_eq!(Mode::Drill.apply(State::NEW, q(4), day).interval.get(), 1);
        // Repeats and exams leave it be.
        assert_eq!(Mode::DrillRepeat.apply(due, q(1), day), due);
        assert_eq!(Mode::Exam.apply(due, q(1), day), due);
        // A quiz passed before the card is due keeps its schedule; failed,
        // the card starts over.
        assert_eq!(Mode::Quiz.apply(due, q(5), day), due);
        assert_eq!(Mode::Quiz.apply(due, q(1), day).repetitions, 0);
        let moving: Vec<Mode> = Mode::ALL.into_iter().filter(|m| m.reschedules()).collect();
        assert_eq!(moving, [Mode::Drill, Mode::Quiz]);
    }
}
