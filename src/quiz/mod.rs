//! Judging answers: typed answers with tolerant matching, choice and
//! true/false picks. Pure functions of the card and the answer; question
//! building for quizzes and exams lives here too as it arrives.

pub mod exam;
mod matching;
mod question;

pub use matching::{Match, judge_choice, judge_typed, normalize};
pub use question::{Form, Pool, Question, build, card_names_area};
