//! The study day: the local day a review counts toward.
//!
//! A study day starts at the rollover hour (04:00 local by default), not at
//! midnight, so a review at 01:30 after a late shift still belongs to the
//! evening's study. Due dates are study days. The functions here take the
//! instant with its zone as input and never read the clock themselves.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};

/// A study day: a calendar date whose day starts at the rollover hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StudyDay(NaiveDate);

impl StudyDay {
    /// The study day that `instant` falls in, seen on the wall clock of its
    /// own zone: a local time before the rollover hour belongs to the
    /// previous day.
    ///
    /// The local wall-clock hour decides, so a daylight-saving change only
    /// moves the instant at which a day starts, never which day a given
    /// local time belongs to.
    pub fn of<Tz: TimeZone>(instant: &DateTime<Tz>, rollover: Rollover) -> StudyDay {
        let local = instant.naive_local();
        let date = local.date();
        if local.hour() < u32::from(rollover.hour()) {
            // The first representable date has no previous day; keep it.
            StudyDay(date.pred_opt().unwrap_or(date))
        } else {
            StudyDay(date)
        }
    }

    /// The study day for a calendar date.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<StudyDay> {
        NaiveDate::from_ymd_opt(year, month, day).map(StudyDay)
    }

    /// The calendar date.
    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// The last study day a date can name: 9999-12-31, the last date with
    /// a four-digit year, which every store and every export can hold.
    pub const LAST: StudyDay = StudyDay(match NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(d) => d,
        None => NaiveDate::MAX,
    });

    /// The study day `days` later, but never after [`StudyDay::LAST`] (a
    /// card due then is due "some day", and stays storable).
    pub fn plus_days(self, days: u32) -> StudyDay {
        let later = self
            .0
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
        StudyDay(later.min(StudyDay::LAST.0))
    }

    /// The study day before (the first representable date stays itself).
    pub fn minus_one(self) -> StudyDay {
        StudyDay(self.0.pred_opt().unwrap_or(self.0))
    }

    /// Whole days from `earlier` to `self`; negative if `earlier` is later.
    pub fn days_since(self, earlier: StudyDay) -> i64 {
        (self.0 - earlier.0).num_days()
    }
}

impl From<NaiveDate> for StudyDay {
    fn from(date: NaiveDate) -> StudyDay {
        StudyDay(date)
    }
}

impl FromStr for StudyDay {
    type Err = chrono::ParseError;

    /// A date as `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<StudyDay, chrono::ParseError> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map(StudyDay)
    }
}

impl fmt::Display for StudyDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// An instant with the local offset in force at it: when an answer is
/// given, and so the study day it counts for. A front end makes one from
/// its clock and zone; the rules only read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now(DateTime<FixedOffset>);

impl Now {
    /// The instant `local`, seen on its own wall clock.
    pub fn new(local: DateTime<FixedOffset>) -> Now {
        Now(local)
    }

    /// The instant in UTC.
    pub fn utc(self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The instant on the local wall clock.
    pub fn local(self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The study day this instant falls in.
    pub fn study_day(self, rollover: Rollover) -> StudyDay {
        StudyDay::of(&self.0, rollover)
    }
}

/// The local hour, 0-23, at which a new study day begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rollover(u8);

/// An hour outside 0-23.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rollover hour must be a whole number from 0 to 23, got {0:?}")]
pub struct RolloverError(pub String);

impl Rollover {
    /// 04:00, as in Anki: late-night study counts toward the evening before.
    pub const DEFAULT: Rollover = Rollover(4);

    /// A rollover at `hour`; 24 or more is an error.
    pub fn new(hour: u8) -> Result<Rollover, RolloverError> {
        if hour < 24 {
            Ok(Rollover(hour))
        } else {
            Err(RolloverError(hour.to_string()))
        }
    }

    /// The hour, 0-23.
    pub fn hour(self) -> u8 {
        self.0
    }
}

impl Default for Rollover {
    fn default() -> Rollover {
        Rollover::DEFAULT
    }
}

impl FromStr for Rollover {
    type Err = RolloverError;

    fn from_str(s: &str) -> Result<Rollover, RolloverError> {
        s.trim()
            .parse::<u8>()
            .ok()
            .and_then(|h| Rollover::new(h).ok())
            .ok_or_else(|| RolloverError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, Utc};

    use super::*;

    fn day(s: &str) -> StudyDay {
        s.parse().unwrap()
    }

    #[test]
    fn rollover_hour_splits_the_day_in_utc() {
        let before = Utc.with_ymd_and_hms(2026, 3, 2, 3, 59, 59).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 4, 0, 0).unwrap();
        assert_eq!(StudyDay::of(&before, Rollover::DEFAULT), day("2026-03-01"));
        assert_eq!(StudyDay::of(&at, Rollover::DEFAULT), day("2026-03-02"));
    }

    #[test]
    fn the_offset_decides_the_local_hour() {
        // 02:30 UTC is 11:30 in Tokyo (+09:00) and 21:30 the day before in
        // Chicago in winter (-06:00).
        let instant = Utc.with_ymd_and_hms(2026, 1, 15, 2, 30, 0).unwrap();
        let tokyo = instant.with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap());
        let chicago = instant.with_timezone(&FixedOffset::west_opt(6 * 3600).unwrap());
        assert_eq!(StudyDay::of(&tokyo, Rollover::DEFAULT), day("2026-01-15"));
        assert_eq!(StudyDay::of(&chicago, Rollover::DEFAULT), day("2026-01-14"));
        assert_eq!(StudyDay::of(&instant, Rollover::DEFAULT), day("2026-01-14"));
    }

    #[test]
    fn rollover_zero_is_midnight() {
        let r = Rollover::new(0).unwrap();
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        assert_eq!(StudyDay::of(&t, r), day("2026-03-02"));
    }

    #[test]
    fn rollover_outside_0_to_23_is_an_error() {
        assert!(Rollover::new(24).is_err());
        assert!("-1".parse::<Rollover>().is_err());
        assert_eq!("23".parse::<Rollover>().map(Rollover::hour), Ok(23));
    }

    #[test]
    fn days_arithmetic() {
        let d = day("2026-12-30");
        assert_eq!(d.plus_days(3), day("2027-01-02"));
        assert_eq!(d.plus_days(3).days_since(d), 3);
        assert_eq!(d.days_since(d.plus_days(1)), -1);
        assert_eq!(d.to_string(), "2026-12-30");
    }
}
