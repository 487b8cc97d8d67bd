//! Pure scheduling: SM-2 arithmetic, the four-button grade mapping and the
//! study-day clock.
//!
//! This module depends on nothing but `chrono`. It does no I/O, speaks no
//! SQL, reads no clock and draws no random numbers: every function is
//! deterministic in its inputs, so every rule is tested without a terminal
//! and without waiting for tomorrow.

pub mod clock;
pub mod grade;
pub mod sm2;

pub use clock::{Now, Rollover, RolloverError, StudyDay};
pub use grade::Grade;
/// Young cards and reviews have an interval (before the answer) under this
/// many days; mature ones this many or more.
pub const MATURE_DAYS: u32 = 21;

pub use sm2::{Ease, Interval, Quality, QualityError, State};
