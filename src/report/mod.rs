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
use crate::store::{AreaName, ExamScore, ReportCard, ReviewTally};

pub use build::{build, load, load_with};
pub use status::{Status, StatusRow, status};

/// The JSON schema's version: bumped on any change that is not an addition.
pub const SCHEMA: u32 = 1;

pub use crate::sched::MATURE_DAYS;

/// A count of scheduled reviews and how many passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Share {
    /// Scheduled reviews counted.
    pub reviews: usize,
    /// Of those, the ones that passed (quality 3 or more).
    pub passed: usize,
    /// passed / reviews, to 4 decimals; `null` with no reviews.
    pub retention: Option<f64>,
}

impl Share {
    fn add(&mut self, passed: bool, count: usize) {
        self.reviews += count;
        self.passed += if passed { count } else { 0 };
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
    /// Questions answered right (a typo in a typed answer is forgiven).
    pub correct: usize,
    /// Questions asked.
    pub total: usize,
    /// Percent right, rounded to the nearest whole.
    pub percent: usize,
    /// The latest exam's date (of several users' or areas', the latest).
    pub date: String,
}

/// Every figure of one area (or a total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The deck's id; for a total, the deck every area shares, else empty.
    pub deck: String,
    /// Empty for a total.
    pub area: String,
    /// The area's name; `Total` for a total.
    pub name: String,
    /// Cards by stage.
    pub cards: Stages,
    /// Scheduled reviews in the window.
    pub reviews: Share,
    /// Scheduled reviews in the window with an interval before them under
    /// [`MATURE_DAYS`].
    pub young: Share,
    /// Scheduled reviews in the window with an interval before them of
    /// [`MATURE_DAYS`] or more.
    pub mature: Share,
    /// Mean E-Factor of the cards answered; `null` if none.
    pub average_ease: Option<f64>,
    /// Scheduled reviews in the window that failed.
    pub lapses: usize,
    /// Active cards due within 7 and 30 days (overdue included).
    pub due_7: usize,
    /// Active cards due within 30 days (overdue included).
    pub due_30: usize,
    /// The latest scored exam's score in the area (for a total, each area's
    /// latest together); `None` when no scored exam asked about it.
    pub exam: Option<Exam>,
}

/// One week of scheduled reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// The week's first study day, `YYYY-MM-DD`.
    pub from: String,
    /// Its last study day, `YYYY-MM-DD`.
    pub to: String,
    /// Its scheduled reviews.
    #[serde(flatten)]
    pub share: Share,
}

/// Cards due on one day of the next 30 (overdue counted today).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDay {
    /// The study day, `YYYY-MM-DD`.
    pub day: String,
    /// Active cards due that day; today's include the overdue ones.
    pub cards: usize,
}

/// A weak card: many lapses, a low E-Factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakCard {
    /// The card's deck.
    pub deck: String,
    /// The card's id.
    pub card: String,
    /// The id of its area.
    pub area: String,
    /// The name of its area.
    pub area_name: String,
    /// What the card asks (its id when that cannot be read).
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
    /// The learner's name, or [`CLASS`].
    pub user: String,
    /// Each area's figures, in deck order.
    pub areas: Vec<Figures>,
    /// Every area together.
    pub total: Figures,
    /// The last 12 weeks, oldest first, ending today.
    pub weekly: Vec<Week>,
    /// Active cards due on each day from today to 30 days on (31 days).
    pub forecast: Vec<DueDay>,
    /// The five weakest active cards, or fewer: most lapses first, then
    /// lowest E-Factor.
    pub weakest: Vec<WeakCard>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The JSON schema's version: [`SCHEMA`].
    pub schema: u32,
    /// The study day the report is for, `YYYY-MM-DD`.
    pub today: String,
    /// The window's first study day, `YYYY-MM-DD`.
    pub since: String,
    /// The window's last study day: today.
    pub until: String,
    /// Study days in the window, both ends included.
    pub days: i64,
    /// The deck reported on; `None` for every installed deck.
    pub deck: Option<String>,
    /// A section per learner, in the order given.
    pub users: Vec<Section>,
    /// With `--all-users`: every learner together.
    pub class: Option<Section>,
}

/// How much of a report to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: each area's figures, weekly figures, the due forecast
    /// and the weakest cards.
    Full,
    /// What a class's heat map shows: each area's scheduled reviews in
    /// the window and its exam score. Card stages, ease and due counts are
    /// zero, and the weekly figures, forecast and weakest cards empty: the
    /// cards are not read, nor reviews before the window.
    Retention,
}

/// What a report is computed from.
pub struct Rows<'a> {
    /// Every area reported on, in deck order.
    pub areas: &'a [AreaName],
    /// The learners' cards with their state, retired ones too.
    pub cards: &'a [ReportCard],
    /// The learners' scheduled reviews from [`Window::earliest`] to today,
    /// counted.
    pub reviews: &'a [ReviewTally],
    /// Each learner's latest scored exam score per area.
    pub exams: &'a [ExamScore],
}

/// The window of study days and the day the report is for.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The window's first study day.
    pub since: StudyDay,
    /// The day the report is for: the window's last.
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
