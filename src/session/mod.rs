//! The sessions a front end drives: a drill (the queue for today: due
//! cards, most overdue first, then new ones, within the daily limits,
//! siblings kept apart; then SM-2's repeats), a quiz and a mock exam. Each
//! is started for a learner with options, presents one item at a time
//! under an id, takes an answer to that id (committed before the next item
//! comes), can stop, and sums up.
//!
//! Sessions never touch a terminal or a web page, and reach the database
//! only through the store's traits, so every rule is tested directly and
//! every front end runs the same drill, quiz and exam.

mod drill;
mod exam;
mod machine;
mod plan;
mod quiz;
mod summary;

pub use drill::{Ask, Drill, DrillOptions, Finished, Presentation, day_seed, study_items};
pub use exam::{ExamEnd, ExamMiss, ExamOptions, ExamPresentation, ExamResult, ExamRun};
pub use machine::{Current, End, Outcome, Session};
pub use plan::{plan, plan_after, sibling_key};
pub use quiz::{Miss, Quiz, QuizOptions, QuizQuestion};
pub use summary::{AreaSummary, Summary};

/// A card as a session sees it: the store's study card.
pub use crate::store::StudyCard as Item;

/// How many cards today's queue may hold (the review rules' allowance).
pub use crate::review::Allowance;
