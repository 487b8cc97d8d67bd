//! Retention by skill area, for a learner or a class: what is learned,
//! what is sticking, what is weak, and what is coming due. Computed from
//! the store's rows; rendered as a table, JSON, CSV or an HTML page.
//!
//! Definitions (the README repeats them): a review passes at quality 3 or
//! more. Retention counts only scheduled reviews: the first drill or quiz
//! answer of a study day to a card already learned (repetitions of 1 or
//! more before it); repeats, first sightings and exams are left out, as in
//! Anki's "true retention". A review is young when the interval before it
//! was under 21 days, mature from 21.

mod build;
pub mod columns;
pub mod html;
pub mod render;
mod status;

use serde::Serialize;

use crate::sched::StudyDay;
use crate::store::{AreaName, ExamScore, ReportCard, ScheduledReview};

pub use build::{build, load};
pub use status::{Status, StatusRow, status};

/// The JSON schema's version: bumped on any change that is not an addition.
pub const SCHEMA: u32 = 1;

/// Young reviews have an interval before them under this many days.
pub const MATURE_DAYS: u32 = 21;

/// A count of scheduled reviews and how many passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Share {
    pub reviews: usize,
    pub passed: usize,
    /// passed / reviews, to 4 decimals; `null` with no reviews.
    pub retention: Option<f64>,
}

impl Share {
    fn add(&mut self, passed: bool) {
        self.reviews += 1;
        self.passed += usize::from(passed);
        self.retention = ratio(self.passed, self.reviews);
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Cards by stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stages {
    /// Never answered.
    pub new: usize,
    /// Answered, fewer than 3 repetitions in a row (after a lapse too).
    pub learning: usize,
    /// 3 repetitions or more, interval under 21 days.
    pub young: usize,
    /// 3 repetitions or more, interval of 21 days or more.
    pub mature: usize,
    /// Gone from the deck file; history kept.
    pub retired: usize,
}

/// A latest exam score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exam {
    pub correct: usize,
    pub total: usize,
    pub percent: usize,
    /// The latest exam's date (of several users' or areas', the latest).
    pub date: String,
}

/// Every figure of one area (or a total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub deck: String,
    /// Empty for a total.
    pub area: String,
    pub name: String,
    pub cards: Stages,
    /// Scheduled reviews in the window.
    pub reviews: Share,
    pub young: Share,
    pub mature: Share,
    /// Mean E-Factor of the cards answered; `null` if none.
    pub average_ease: Option<f64>,
    /// Scheduled reviews in the window that failed.
    pub lapses: usize,
    /// Active cards due within 7 and 30 days (overdue included).
    pub due_7: usize,
    pub due_30: usize,
    pub exam: Option<Exam>,
}

/// One week of scheduled reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub share: Share,
}

/// Cards due on one day of the next 30 (overdue counted today).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDay {
    pub day: String,
    pub cards: usize,
}

/// A weak card: many lapses, a low E-Factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakCard {
    pub deck: String,
    pub card: String,
    pub area: String,
    pub area_name: String,
    pub prompt: String,
    /// Lapses over its whole history (summed over learners for a class).
    pub lapses: u32,
    /// Its E-Factor (the mean over learners for a class).
    pub ease: f64,
}

/// What the class section is called: [`Section::user`] for every
/// learner together.
pub const CLASS: &str = "class";

/// A learner's report, or the class's (`user` is [`CLASS`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub user: String,
    pub areas: Vec<Figures>,
    pub total: Figures,
    /// The last 12 weeks, oldest first, ending today.
    pub weekly: Vec<Week>,
    pub forecast: Vec<DueDay>,
    pub weakest: Vec<WeakCard>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: u32,
    pub today: String,
    pub since: String,
    pub until: String,
    pub days: i64,
    pub deck: Option<String>,
    pub users: Vec<Section>,
    /// With `--all-users`: every learner together.
    pub class: Option<Section>,
}

/// What a report is computed from.
pub struct Rows<'a> {
    pub areas: &'a [AreaName],
    pub cards: &'a [ReportCard],
    pub reviews: &'a [ScheduledReview],
    pub exams: &'a [ExamScore],
}

/// The window of study days and the day the report is for.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: StudyDay,
    pub today: StudyDay,
}

impl Window {
    /// The window from `since` to `today`, or of the last `days` study
    /// days (30 without either), today included.
    pub fn of(
        since: Option<StudyDay>,
        days: Option<u32>,
        today: StudyDay,
    ) -> Result<Window, String> {
        let since = match since {
            Some(since) if since > today => {
                return Err(format!("--since {since} is after today ({today})"));
            }
            Some(since) => since,
            None => {
                let back = u64::from(days.unwrap_or(30).max(1) - 1);
                StudyDay::from(today.date() - chrono::Days::new(back))
            }
        };
        Ok(Window { since, today })
    }

    /// The first day the weekly figures need.
    pub fn earliest(self) -> StudyDay {
        let twelve_weeks = StudyDay::from(self.today.date() - chrono::Days::new(83));
        self.since.min(twelve_weeks)
    }
}
