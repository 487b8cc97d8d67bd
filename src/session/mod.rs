//! A learner's drill: the queue for today (due cards, most overdue first,
//! then new ones, within the daily limits, siblings kept apart), SM-2's
//! repeats, and the session API a front end drives: start a drill for a
//! learner with options, show the next card, take an answer (committed
//! before the next card), stop, and sum up.
//!
//! It never touches a terminal or a web page, and reaches the database
//! only through the store's traits, so every rule is tested directly and
//! every front end runs the same drill.

mod drill;
mod machine;
mod plan;
mod summary;

pub use drill::{Ask, Drill, DrillOptions, Finished, Presentation, day_seed, study_items};
pub use machine::{Current, End, Outcome, Session};
pub use plan::{plan, plan_after, sibling_key};
pub use summary::{AreaSummary, Summary};

/// A card as a session sees it: the store's study card.
pub use crate::store::StudyCard as Item;

/// How many cards today's queue may hold (the review rules' allowance).
pub use crate::review::Allowance;
