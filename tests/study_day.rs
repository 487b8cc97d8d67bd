//! The study day in real zones: 03:59 local belongs to the previous day and
//! 04:00 to the same day, on daylight-saving days too.

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Kolkata;
use chrono_tz::Australia::Sydney;
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;
use recall::sched::{Rollover, StudyDay};

fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Tz> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("an unambiguous local time")
}

fn day(y: i32, m: u32, d: u32) -> StudyDay {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().into()
}

/// 03:59 on the given local date is the previous study day; 04:00 is that
/// date's own.
fn assert_splits_at_four(tz: Tz, y: i32, m: u32, d: u32) {
    let before = local(tz, y, m, d, 3, 59);
    let at = local(tz, y, m, d, 4, 0);
    let date = day(y, m, d);
    let previous = StudyDay::from(date.date().pred_opt().unwrap());
    assert_eq!(
        StudyDay::of(&before, Rollover::DEFAULT),
        previous,
        "{before}"
    );
    assert_eq!(StudyDay::of(&at, Rollover::DEFAULT), date, "{at}");
}

#[test]
fn ordinary_day_in_a_non_utc_zone() {
    assert_splits_at_four(Kolkata, 2026, 6, 15);
    assert_splits_at_four(New_York, 2026, 1, 20);
}

#[test]
fn spring_forward_day() {
    // New York skips 02:00-03:00 on 2026-03-08; Berlin skips 02:00-03:00 on
    // 2026-03-29. The day still starts at 04:00 on the wall clock.
    assert_splits_at_four(New_York, 2026, 3, 8);
    assert_splits_at_four(Berlin, 2026, 3, 29);
    // 03:59 EDT and 04:00 EDT are one minute apart; so are their days.
    let before = local(New_York, 2026, 3, 8, 3, 59);
    let at = local(New_York, 2026, 3, 8, 4, 0);
    assert_eq!((at - before).num_minutes(), 1);
}

#[test]
fn fall_back_day() {
    // New York repeats 01:00-02:00 on 2026-11-01; Sydney repeats
    // 02:00-03:00 on 2026-04-05.
    assert_splits_at_four(New_York, 2026, 11, 1);
    assert_splits_at_four(Sydney, 2026, 4, 5);
    // Both 01:30s of the repeated hour belong to the day before.
    let first = New_York
        .with_ymd_and_hms(2026, 11, 1, 1, 30, 0)
        .earliest()
        .unwrap();
    let second = New_York
        .with_ymd_and_hms(2026, 11, 1, 1, 30, 0)
        .latest()
        .unwrap();
    assert_ne!(first, second);
    for t in [first, second] {
        assert_eq!(StudyDay::of(&t, Rollover::DEFAULT), day(2026, 10, 31));
    }
}

#[test]
fn the_same_instant_is_a_different_day_in_different_zones() {
    // New York moves to EDT (UTC-4) at 07:00 UTC on 2026-03-08. At 07:30
    // UTC it is 03:30 EDT there, still the 7th's study day, and 13:00 in
    // Kolkata, the 8th's. At 08:30 UTC it is 04:30 EDT: the 8th.
    let utc = chrono::Utc.with_ymd_and_hms(2026, 3, 8, 7, 30, 0).unwrap();
    let ny = utc.with_timezone(&New_York);
    assert_eq!(StudyDay::of(&ny, Rollover::DEFAULT), day(2026, 3, 7));
    let later = chrono::Utc.with_ymd_and_hms(2026, 3, 8, 8, 30, 0).unwrap();
    let ny = later.with_timezone(&New_York);
    assert_eq!(StudyDay::of(&ny, Rollover::DEFAULT), day(2026, 3, 8));
    let kolkata = utc.with_timezone(&Kolkata);
    assert_eq!(StudyDay::of(&kolkata, Rollover::DEFAULT), day(2026, 3, 8));
}

#[test]
fn another_rollover_hour() {
    let r = Rollover::new(6).unwrap();
    let t = local(Berlin, 2026, 7, 1, 5, 59);
    assert_eq!(StudyDay::of(&t, r), day(2026, 6, 30));
    let t = local(Berlin, 2026, 7, 1, 6, 0);
    assert_eq!(StudyDay::of(&t, r), day(2026, 7, 1));
}
