//! Invariants of SM-2 over random quality sequences.

use proptest::prelude::*;
mod common;

use recall::sched::{Quality, State, StudyDay};

fn quality() -> impl Strategy<Value = Quality> {
    (0u8..=5).prop_map(|q| Quality::new(q).unwrap())
}

/// The state after answering `qualities` on their due days.
fn replay(qualities: &[Quality]) -> (State, StudyDay) {
    let mut day = StudyDay::from_ymd(2026, 1, 1).unwrap();
    let mut state = State::NEW;
    for &q in qualities {
        state = state.answer(q, day);
        day = state.due.unwrap();
    }
    (state, day)
}

proptest! {
    #[test]
    fn the_scheduler_agrees_with_sm2_worked_in_floating_point(
        qs in prop::collection::vec(quality(), 1..80),
    ) {
        let mut day = StudyDay::from_ymd(2026, 1, 1).unwrap();
        let mut state = State::NEW;
        for q in qs {
            let expected = common::sm2(&state, q.value(), day);
            state = state.answer(q, day);
            prop_assert_eq!(state, expected);
            day = state.due.unwrap();
        }
    }

    #[test]
    fn ease_never_below_the_floor(qs in prop::collection::vec(quality(), 1..60)) {
        let mut day = StudyDay::from_ymd(2026, 1, 1).unwrap();
        let mut state = State::NEW;
        for q in qs {
            state = state.answer(q, day);
            prop_assert!(state.ease.hundredths() >= 130);
            day = state.due.unwrap();
        }
    }

    #[test]
    fn every_answer_gives_an_interval_of_at_least_one_day(
        qs in prop::collection::vec(quality(), 1..60),
    ) {
        let mut day = StudyDay::from_ymd(2026, 1, 1).unwrap();
        let mut state = State::NEW;
        for q in qs {
            state = state.answer(q, day);
            prop_assert!(state.interval.get() >= 1);
            prop_assert_eq!(state.due, Some(day.plus_days(state.interval.get())));
            day = state.due.unwrap();
        }
    }

    #[test]
    fn a_failure_always_restarts(
        history in prop::collection::vec(quality(), 0..40),
        failing in 0u8..3,
    ) {
        let (state, day) = replay(&history);
        let after = state.answer(Quality::new(failing).unwrap(), day);
        prop_assert_eq!(after.interval.get(), 1);
        prop_assert_eq!(after.repetitions, 0);
    }

    #[test]
    fn a_higher_quality_never_gives_a_shorter_interval(
        history in prop::collection::vec(quality(), 0..40),
        a in quality(),
        b in quality(),
    ) {
        let (state, day) = replay(&history);
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(state.answer(low, day).interval <= state.answer(high, day).interval);
    }

    #[test]
    fn ease_moves_by_the_published_step(
        history in prop::collection::vec(quality(), 0..40),
        q in quality(),
    ) {
        let (state, day) = replay(&history);
        // The published formula in floating point, rounded to the hundredth.
        let ef = f64::from(state.ease.hundredths()) / 100.0;
        let d = f64::from(5 - q.value());
        let expected = ((ef + (0.1 - d * (0.08 + d * 0.02))).max(1.3) * 100.0).round();
        prop_assert_eq!(f64::from(state.answer(q, day).ease.hundredths()), expected);
    }
}
