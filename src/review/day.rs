//! The rules of a study day: what a learner may still do today (the daily
//! allowance), which cards SM-2 still owes a repeat, which were answered,
//! and the streak of days with a finished drill.

use std::collections::HashSet;

use crate::model::{CardKey, Mode};
use crate::sched::{Quality, StudyDay};
use crate::store::{DayReview, User};

/// What a learner has done on one study day, against the daily limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Cards already learned that were reviewed (drill or quiz).
    pub reviews: usize,
    /// Cards seen for the first time.
    pub new: usize,
}

/// Counts the day's first answers that reschedule (drill and quiz): each
/// card once, as a review or as new.
pub fn day_counts(day: &[DayReview]) -> DayCounts {
    let mut reviewed: HashSet<&CardKey> = HashSet::new();
    let mut new: HashSet<&CardKey> = HashSet::new();
    for r in day.iter().filter(|r| r.mode.reschedules()) {
        if r.was_new {
            new.insert(&r.card);
        } else {
            reviewed.insert(&r.card);
        }
    }
    DayCounts {
        reviews: reviewed.len(),
        new: new.len(),
    }
}

/// The cards answered in a drill or quiz that day.
pub fn answered(day: &[DayReview]) -> HashSet<CardKey> {
    day.iter()
        .filter(|r| r.mode.reschedules())
        .map(|r| r.card.clone())
        .collect()
}

/// The cards still owed SM-2's repeat: those whose latest drill answer of
/// the day (first or repeat) was below 4, in the order of those answers.
/// A drill stopped early leaves them owed, and the next drill that day
/// asks them again.
pub fn owed_repeats(day: &[DayReview]) -> Vec<CardKey> {
    let mut owed: Vec<CardKey> = Vec::new();
    for r in day
        .iter()
        .filter(|r| matches!(r.mode, Mode::Drill | Mode::DrillRepeat))
    {
        owed.retain(|k| *k != r.card);
        if r.quality < Quality::SESSION_DONE {
            owed.push(r.card.clone());
        }
    }
    owed
}

/// Consecutive study days with a finished drill, ending today, or
/// yesterday when today's is still to come. `days` are the days with a
/// finished drill, latest first.
pub fn streak(days: &[StudyDay], today: StudyDay) -> u32 {
    let mut streak = 0;
    let mut expected: Option<StudyDay> = None;
    for &day in days {
        let next = match expected {
            None => day == today || day == today.minus_one(),
            Some(e) => day == e,
        };
        if !next {
            break;
        }
        streak += 1;
        expected = Some(day.minus_one());
    }
    streak
}

/// How many cards today's queue may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Due cards still allowed today.
    pub reviews: usize,
    /// New cards still allowed today.
    pub new: usize,
    /// The session's own cap, if any.
    pub limit: Option<usize>,
}

/// What is left of the learner's daily limits after `done`; `new` (a
/// session's own number of new cards) replaces what is left of the new
/// cards' limit.
pub fn allowance(
    user: &User,
    done: DayCounts,
    new: Option<usize>,
    limit: Option<usize>,
) -> Allowance {
    Allowance {
        reviews: (user.reviews_per_day as usize).saturating_sub(done.reviews),
        new: new.unwrap_or_else(|| (user.new_per_day as usize).saturating_sub(done.new)),
        limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> StudyDay {
        s.parse().unwrap()
    }

    fn answer(card: &str, mode: Mode, q: u8, was_new: bool) -> DayReview {
        DayReview {
            card: CardKey::new("d", card),
            mode,
            quality: Quality::new(q).unwrap(),
            was_new,
        }
    }

    #[test]
    fn a_card_below_4_is_owed_until_it_scores_4() {
        let log = [
            answer("a", Mode::Drill, 1, true),
            answer("b", Mode::Drill, 3, true),
            answer("c", Mode::Drill, 5, true),
            answer("a", Mode::DrillRepeat, 3, false),
            answer("b", Mode::DrillRepeat, 4, false),
            answer("d", Mode::Quiz, 1, false),
        ];
        assert_eq!(owed_repeats(&log), [CardKey::new("d", "a")]);
        assert_eq!(
            owed_repeats(&log[..2]),
            [CardKey::new("d", "a"), CardKey::new("d", "b")]
        );
    }

    #[test]
    fn day_counts_count_each_card_once() {
        let log = [
            answer("a", Mode::Drill, 1, true),
            answer("a", Mode::DrillRepeat, 4, false),
            answer("b", Mode::Drill, 4, false),
            answer("b", Mode::Quiz, 4, false),
            answer("c", Mode::Quiz, 4, true),
        ];
        assert_eq!(day_counts(&log), DayCounts { reviews: 1, new: 2 });
    }

    #[test]
    fn a_streak_ends_today_or_yesterday() {
        let days = [day("2026-03-05"), day("2026-03-04"), day("2026-03-02")];
        assert_eq!(streak(&days, day("2026-03-05")), 2);
        assert_eq!(streak(&days, day("2026-03-06")), 2, "today still to come");
        assert_eq!(streak(&days, day("2026-03-07")), 0);
        assert_eq!(streak(&[], day("2026-03-07")), 0);
    }
}
