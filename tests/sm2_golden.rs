//! Golden vectors for SM-2: each a sequence of qualities answered on the
//! day the card falls due, with the (interval, E-Factor) after every answer.

use recall::sched::{Quality, State, StudyDay};

/// Answers `qualities` in turn, each on the day the previous answer set,
/// and returns (interval in days, E-Factor as "x.yy") after each.
fn run(qualities: &[u8]) -> Vec<(u32, String)> {
    let mut day = StudyDay::from_ymd(2026, 3, 2).unwrap();
    let mut state = State::NEW;
    let mut out = Vec::new();
    for &q in qualities {
        state = state.answer(Quality::new(q).unwrap(), day);
        let due = state.due.expect("an answered card is due");
        assert_eq!(due.days_since(day), i64::from(state.interval.get()));
        out.push((state.interval.get(), state.ease.to_string()));
        day = due;
    }
    out
}

fn intervals(rows: &[(u32, String)]) -> Vec<u32> {
    rows.iter().map(|(i, _)| *i).collect()
}

#[test]
fn mixed_qualities_with_one_failure() {
    let expected = [
        (1, "2.60"),
        (6, "2.70"),
        (17, "2.70"),
        (46, "2.56"),
        (118, "2.66"),
        (1, "2.34"),
        (1, "2.44"),
        (6, "2.44"),
    ];
    let got = run(&[5, 5, 4, 3, 5, 2, 5, 4]);
    let got: Vec<(u32, &str)> = got.iter().map(|(i, e)| (*i, e.as_str())).collect();
    assert_eq!(got, expected);
}

#[test]
fn eight_hard_passes_wear_the_ease_down() {
    let got = run(&[3; 8]);
    assert_eq!(intervals(&got), [1, 6, 14, 30, 59, 107, 178, 271]);
    assert_eq!(got.last().unwrap().1, "1.38");
}

#[test]
fn blackout_then_a_lapse() {
    let got = run(&[0, 4, 4, 4, 2, 4, 4, 4]);
    assert_eq!(intervals(&got), [1, 1, 6, 11, 1, 1, 6, 9]);
    assert_eq!(got[0].1, "1.70");
    assert_eq!(got[4].1, "1.38");
    assert_eq!(got[7].1, "1.38");
}

#[test]
fn integer_ease_rounds_where_a_float_would_not() {
    // An f64 E-Factor reaches 2.8000000000000003 here, and 125 x that rounds
    // up to 351. In hundredths it is exactly 280, and 125 x 2.80 = 350.
    let got = run(&[5, 5, 4, 4, 5, 4]);
    assert_eq!(intervals(&got), [1, 6, 17, 46, 125, 350]);
    assert_eq!(got[5].1, "2.80");
}

#[test]
fn failure_restarts_repetitions_and_keeps_the_ease_update() {
    let day = StudyDay::from_ymd(2026, 3, 2).unwrap();
    let q = |v| Quality::new(v).unwrap();
    let learned = State::NEW.answer(q(5), day).answer(q(5), day);
    assert_eq!(learned.repetitions, 2);
    let failed = learned.answer(q(0), day);
    assert_eq!(failed.repetitions, 0);
    assert_eq!(failed.interval.get(), 1);
    assert_eq!(failed.ease.hundredths(), 270 - 80);
    assert_eq!(failed.lapses, 1);
    assert_eq!(failed.due, Some(day.plus_days(1)));
}
