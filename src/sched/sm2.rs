//! SuperMemo's SM-2, as published by Piotr Wozniak
//! (<https://super-memory.com/english/ol/sm2.htm>), in integer arithmetic.
//!
//! Each step below quotes the sentence of the published algorithm it
//! implements. The text leaves three choices open; ours, and why:
//!
//! - The interval is computed with the E-Factor as it was *before* this
//!   answer. The text lists the interval rule (step 4) before the E-Factor
//!   update (step 5), and SuperMemo's published source does the same.
//! - The E-Factor is updated on every answer, a failure too. Step 5 applies
//!   "after each repetition"; we read step 6's "without changing the
//!   E-Factor" as "without resetting it to 2.5", as SuperMemo's published
//!   source and the `supermemo2` package do (after q = 5,5,4,3,5,2 the
//!   E-Factor is 2.34, not 2.66).
//! - Fractional intervals round up ("I(n) := I(n-1)*EF" with the
//!   `ceil` that SuperMemo's source and the `supermemo2` package apply).
//!
//! Every E-Factor step is a multiple of 0.02, so the E-Factor is held in
//! hundredths ([`Ease`]) and intervals are computed in integers. Floating
//! point gets the rounding wrong: after q = 5,5,4,4,5,4 an `f64` E-Factor of
//! 2.8000000000000003 turns 125 x 2.8 into 351 days instead of 350.

use std::fmt;
use std::str::FromStr;

use super::clock::StudyDay;

/// A quality of response, 0-5, as SM-2 defines it:
///
/// 5 perfect response; 4 correct after a hesitation; 3 correct with
/// serious difficulty; 2 incorrect, but the correct one seemed easy to
/// recall; 1 incorrect, the correct one remembered; 0 complete blackout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quality(u8);

/// A quality outside 0-5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quality must be a whole number from 0 to 5, got {0:?}")]
pub struct QualityError(pub String);

impl Quality {
    /// The lowest quality that counts as a correct response (SM-2 step 6
    /// restarts the repetitions below it).
    pub const PASS: Quality = Quality(3);
    /// The quality an item must reach before the session lets it go
    /// (SM-2 step 7).
    pub const SESSION_DONE: Quality = Quality(4);
    /// All six qualities, lowest first.
    pub const ALL: [Quality; 6] = [
        Quality(0),
        Quality(1),
        Quality(2),
        Quality(3),
        Quality(4),
        Quality(5),
    ];

    /// A quality from its number; anything above 5 is an error.
    pub fn new(value: u8) -> Result<Quality, QualityError> {
        if value <= 5 {
            Ok(Quality(value))
        } else {
            Err(QualityError(value.to_string()))
        }
    }

    /// The number 0-5.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Whether the response was correct (quality 3 or more).
    pub fn passed(self) -> bool {
        self >= Quality::PASS
    }
}

impl TryFrom<i64> for Quality {
    type Error = QualityError;

    fn try_from(value: i64) -> Result<Quality, QualityError> {
        u8::try_from(value)
            .ok()
            .and_then(|v| Quality::new(v).ok())
            .ok_or_else(|| QualityError(value.to_string()))
    }
}

impl FromStr for Quality {
    type Err = QualityError;

    fn from_str(s: &str) -> Result<Quality, QualityError> {
        s.trim()
            .parse::<u8>()
            .ok()
            .and_then(|v| Quality::new(v).ok())
            .ok_or_else(|| QualityError(s.to_string()))
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The E-Factor in hundredths: 250 is SM-2's 2.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ease(u16);

impl Ease {
    /// "E-Factor ... where 2.5 is the initial value" (step 2).
    pub const INITIAL: Ease = Ease(250);
    /// "If EF is less than 1.3 then let EF be 1.3" (step 5).
    pub const MIN: Ease = Ease(130);

    /// An E-Factor from hundredths, raised to the 1.30 floor if below it.
    pub fn from_hundredths(hundredths: u16) -> Ease {
        Ease(hundredths.max(Ease::MIN.0))
    }

    /// The E-Factor in hundredths.
    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// "EF' := EF + (0.1 - (5-q) * (0.08 + (5-q) * 0.02))" (step 5), in
    /// hundredths: 10 - d * (8 + 2d) with d = 5 - q, so +10, 0, -14, -32,
    /// -54, -80 for q = 5 down to 0. "If EF is less than 1.3 then let EF be
    /// 1.3." There is no ceiling.
    fn after(self, q: Quality) -> Ease {
        let d = i32::from(5 - q.value());
        let next = i32::from(self.0) + 10 - d * (8 + 2 * d);
        // The step is at most +10, so `next` fits in u16 unless the ease
        // is already within 10 of u16::MAX, which no run of answers reaches
        // before the interval cap; saturate rather than wrap all the same.
        Ease(u16::try_from(next).unwrap_or(u16::MAX).max(Ease::MIN.0))
    }
}

impl Default for Ease {
    fn default() -> Ease {
        Ease::INITIAL
    }
}

impl fmt::Display for Ease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// An inter-repetition interval in days. 0 only for a card never answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Interval(u32);

impl Interval {
    /// Intervals stop growing here, so that due dates stay representable:
    /// a guard the published text lacks (Anki caps at the same 100 years).
    pub const MAX: Interval = Interval(36_500);

    /// An interval of `days`, capped at [`Interval::MAX`].
    pub fn days(days: u32) -> Interval {
        Interval(days.min(Interval::MAX.0))
    }

    /// The number of days.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}d", self.0)
    }
}

/// What SM-2 knows about one card for one learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct State {
    /// Correct answers in a row since the last failure: SM-2's `n`.
    pub repetitions: u32,
    /// The E-Factor.
    pub ease: Ease,
    /// The interval the last answer set; 0 before the first answer.
    pub interval: Interval,
    /// Failures (quality below 3) of a card already recalled at least
    /// once: Anki calls these lapses. SM-2 itself does not count them.
    pub lapses: u32,
    /// The study day the card is next due; `None` before the first answer.
    pub due: Option<StudyDay>,
}

impl Default for State {
    fn default() -> State {
        State::NEW
    }
}

impl State {
    /// A card never answered.
    pub const NEW: State = State {
        repetitions: 0,
        ease: Ease::INITIAL,
        interval: Interval(0),
        lapses: 0,
        due: None,
    };

    /// Whether the card has never been answered.
    pub fn is_new(&self) -> bool {
        self.due.is_none()
    }

    /// The state after answering with quality `q` on study day `today`.
    pub fn answer(&self, q: Quality, today: StudyDay) -> State {
        let (repetitions, interval) = if q.passed() {
            (
                self.repetitions.saturating_add(1),
                next_interval(self.repetitions, self.interval, self.ease),
            )
        } else {
            // "If the quality response was lower than 3 then start
            // repetitions for the item from the beginning without changing
            // the E-Factor (i.e. use intervals I(1), I(2) etc. as if the
            // item was memorized anew)" (step 6).
            (0, Interval(1))
        };
        let lapsed = !q.passed() && self.repetitions > 0;
        State {
            repetitions,
            ease: self.ease.after(q),
            interval,
            lapses: self.lapses + u32::from(lapsed),
            due: Some(today.plus_days(interval.get())),
        }
    }
}

/// "I(1) := 1; I(2) := 6; for n > 2: I(n) := I(n-1) * EF" (step 3), where
/// `repetitions` correct answers precede this one, `previous` is I(n-1) and
/// `ease` is the E-Factor before this answer. Fractions round up.
fn next_interval(repetitions: u32, previous: Interval, ease: Ease) -> Interval {
    match repetitions {
        0 => Interval(1),
        1 => Interval(6),
        _ => {
            let product = u64::from(previous.0) * u64::from(ease.0);
            let days = product.div_ceil(100);
            Interval::days(u32::try_from(days).unwrap_or(u32::MAX))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: u8) -> Quality {
        Quality::new(v).unwrap()
    }

    #[test]
    fn ease_steps_match_the_formula() {
        // EF' - EF for q = 0..=5, worked from 0.1 - (5-q)(0.08 + (5-q)0.02).
        let steps = [-80, -54, -32, -14, 0, 10];
        for (value, step) in (0..=5).zip(steps) {
            let after = Ease(250).after(q(value));
            assert_eq!(i32::from(after.0) - 250, step, "q = {value}");
        }
    }

    #[test]
    fn ease_never_falls_below_the_floor() {
        assert_eq!(Ease(131).after(q(0)), Ease::MIN);
        assert_eq!(Ease::MIN.after(q(3)), Ease::MIN);
        assert_eq!(Ease::from_hundredths(5), Ease::MIN);
    }

    #[test]
    fn quality_outside_range_is_an_error() {
        assert!(Quality::new(6).is_err());
        assert!(Quality::try_from(-1).is_err());
        assert!(Quality::try_from(256).is_err());
        assert!("9".parse::<Quality>().is_err());
        assert!("four".parse::<Quality>().is_err());
        assert_eq!(" 4 ".parse::<Quality>(), Ok(q(4)));
    }

    #[test]
    fn intervals_are_capped() {
        let huge = next_interval(5, Interval(30_000), Ease(300));
        assert_eq!(huge, Interval::MAX);
        let top = next_interval(5, Interval::MAX, Ease(u16::MAX));
        assert_eq!(top, Interval::MAX);
    }

    #[test]
    fn lapses_count_failures_of_recalled_cards_only() {
        let day = StudyDay::from_ymd(2026, 1, 1).unwrap();
        let failed_new = State::NEW.answer(q(1), day);
        assert_eq!(failed_new.lapses, 0);
        let learned = failed_new.answer(q(4), day);
        assert_eq!(learned.answer(q(2), day).lapses, 1);
    }

    #[test]
    fn display_formats() {
        assert_eq!(Ease(138).to_string(), "1.38");
        assert_eq!(Ease(250).to_string(), "2.50");
        assert_eq!(Interval(6).to_string(), "6d");
    }
}
