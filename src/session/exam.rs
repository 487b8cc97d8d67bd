//! The mock exam a front end drives: questions spread across a deck's
//! areas by weight, answered without feedback against a deadline the
//! engine enforces (a late answer is refused), each answer saved as given;
//! scored at the end, or kept as abandoned when stopped.

use chrono::{DateTime, Duration, Utc};

use super::{day_seed, study_items};
use crate::model::{DeckId, Mode};
use crate::quiz::exam::{AreaScore, Exam, ExamQuestion, Given, percent};
use crate::quiz::{Match, assemble, passed};
use crate::review::{self, Answer, Judged};
use crate::sched::Now;
use crate::store::{
    Decks, ExamAnswer, ExamId, ExamRecord, ExamStart, Exams, GivenAnswer, Study, User,
};
use crate::{Error, Result};

/// What an exam is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamOptions {
    /// The deck (needed when several are installed).
    pub deck: Option<DeckId>,
    /// How many questions (40 by default); fewer when the deck has fewer
    /// cards to ask about.
    pub questions: usize,
    /// Time allowed; one minute a question without it.
    pub minutes: Option<u32>,
    /// The score needed to pass, in percent.
    pub pass_mark: u32,
    /// Fixes the questions and their order (one per learner and day
    /// without it).
    pub seed: Option<u64>,
}

impl Default for ExamOptions {
    fn default() -> ExamOptions {
        ExamOptions {
            deck: None,
            questions: 40,
            minutes: None,
            pass_mark: 70,
            seed: None,
        }
    }
}

/// A question on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamPresentation {
    /// Names this showing: an answer must name it.
    pub id: u64,
    /// The question, with the card and area it comes from.
    pub question: ExamQuestion,
    /// 1-based.
    pub position: usize,
    /// Questions in the exam.
    pub total: usize,
    /// When time is up (UTC); an answer after it is refused.
    pub deadline: DateTime<Utc>,
}

/// A missed question, with the answer given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamMiss {
    /// 1-based place in the exam.
    pub position: usize,
    /// The question's prompt, on one line.
    pub prompt: String,
    /// `None`: not answered.
    pub given: Option<String>,
    /// The right answer.
    pub solution: String,
}

/// A scored attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamResult {
    /// Questions answered right (a typo in a typed answer is forgiven).
    pub correct: usize,
    /// Questions asked.
    pub total: usize,
    /// Percent right, rounded.
    pub score: usize,
    /// The score needed to pass, in percent.
    pub pass_mark: u32,
    /// Whether the score reaches the pass mark.
    pub passed: bool,
    /// Whole minutes from start to end.
    pub minutes: i64,
    /// Whether time ran out.
    pub timed_out: bool,
    /// Questions left when time ran out.
    pub unanswered: usize,
    /// Each area's score, weakest first.
    pub areas: Vec<AreaScore>,
    /// Every question not answered right, in exam order.
    pub missed: Vec<ExamMiss>,
}

/// How an exam ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExamEnd {
    /// Nothing was answered: no attempt is kept.
    NotRecorded {
        /// Why, in words: the deck has no card to ask about, or no question was
        /// answered.
        why: &'static str,
    },
    /// Stopped before the end: kept, never scored.
    Abandoned {
        /// Questions answered before it stopped.
        answered: usize,
    },
    /// Every question answered, or time ran out: scored, with the questions
    /// left counting as wrong.
    Scored(ExamResult),
}

/// An exam in progress.
pub struct ExamRun {
    user: User,
    exam: Exam,
    start: ExamStart,
    recorded: Option<ExamId>,
    stopped: bool,
    wanted: usize,
    deadline: DateTime<Utc>,
    /// The id the current question's review is logged under: an answer
    /// saved whose reply was lost, given again, is kept once.
    review: String,
}

impl ExamRun {
    /// Starts an exam for `user` at `now` on the chosen deck (the one
    /// installed, when there is one).
    pub fn start(
        store: &(impl Study + Decks + ?Sized),
        user: User,
        options: &ExamOptions,
        now: Now,
    ) -> Result<ExamRun> {
        let today = now.study_day(user.rollover);
        let deck = match &options.deck {
            Some(d) => d.clone(),
            None => match store.decks(Some(user.id), today)?.as_slice() {
                [one] => one.id.clone(),
                [] => return Err(Error::NoDeck),
                _ => {
                    return Err(Error::Usage(
                        "you study several decks: choose the exam's deck (--deck ID)".to_string(),
                    ));
                }
            },
        };
        // Only a deck the learner studies (in a class, its decks).
        let installed = store
            .installed_deck(&deck, Some(user.id), today)?
            .ok_or_else(|| Error::UnknownDeck(deck.to_string()))?;
        let areas: Vec<(String, Option<f64>)> = installed
            .areas
            .iter()
            .map(|(a, _)| (a.id.clone(), a.weight))
            .collect();
        let seed = options.seed.unwrap_or_else(|| day_seed(&user.name, today));
        let items = study_items(store, &user, Some(&deck), &[])?;
        let questions = assemble(&items, &areas, options.questions, seed);
        let minutes = options
            .minutes
            .unwrap_or(u32::try_from(questions.len()).unwrap_or(u32::MAX));
        let deadline = now.utc() + Duration::minutes(i64::from(minutes));
        let start = ExamStart {
            id: crate::store::new_review_id(),
            deck,
            started: now.utc(),
            seed,
            pass_mark: options.pass_mark,
            questions: questions.len(),
        };
        Ok(ExamRun {
            user,
            exam: Exam::new(questions, Some(deadline)),
            start,
            recorded: None,
            stopped: false,
            wanted: options.questions,
            deadline,
            review: crate::store::new_review_id(),
        })
    }

    /// When there are fewer questions than asked for: how many, of how
    /// many. The deck has no more cards to ask about.
    pub fn asked_fewer(&self) -> Option<(usize, usize)> {
        let got = self.exam.questions().len();
        (got < self.wanted && got > 0).then_some((got, self.wanted))
    }

    /// When time is up.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.deadline
    }

    /// How many questions the exam asks.
    pub fn total(&self) -> usize {
        self.exam.questions().len()
    }

    /// The question to answer at `now`, or `None` when every question is
    /// answered, time is up or the exam was stopped.
    pub fn next(&mut self, now: DateTime<Utc>) -> Option<ExamPresentation> {
        if self.stopped {
            return None;
        }
        let i = self.exam.next(now)?;
        Some(ExamPresentation {
            id: i as u64 + 1,
            question: self.exam.questions().get(i)?.clone(),
            position: i + 1,
            total: self.exam.questions().len(),
            deadline: self.deadline,
        })
    }

    /// Saves the answer `given` to question `id` at `now` (its review too,
    /// in one transaction); no feedback. `None` when time was up: the
    /// answer is refused and the rest stay unanswered.
    pub fn answer(
        &mut self,
        store: &mut (impl Exams + ?Sized),
        id: u64,
        given: Given,
        now: Now,
        response_ms: Option<u32>,
    ) -> Result<Option<Match>> {
        let Some(i) = self.exam.next(now.utc()).filter(|i| *i as u64 + 1 == id) else {
            if self.exam.timed_out() {
                return Ok(None);
            }
            return Err(Error::Stale);
        };
        let Some(q) = self.exam.questions().get(i).cloned() else {
            return Err(Error::Stale);
        };
        let described = given.describe(&q.question);
        // The exam moves on only once the answer is saved: one that could
        // not be saved is asked again.
        let mut exam = self.exam.clone();
        let Some(verdict) = exam.answer(given, now.utc()) else {
            self.exam = exam;
            return Ok(None);
        };
        let quality = review::quality_for(
            Judged::Auto {
                verdict,
                easy: false,
            },
            Mode::Exam,
        );
        let answer = Answer {
            user: self.user.id,
            card: q.key.clone(),
            quality,
            mode: Mode::Exam,
            at: now.utc(),
            day: now.study_day(self.user.rollover),
            response_ms,
        };
        let mut new = review::new_review(&answer);
        new.id.clone_from(&self.review);
        let given = GivenAnswer {
            position: i,
            answer: ExamAnswer {
                card: q.key.card.clone(),
                area: q.area.clone(),
                area_name: q.area_name.clone(),
                question: q.question.prompt().to_string(),
                solution: q.question.solution(),
                given: Some(described),
                correct: verdict != Match::Wrong,
            },
            at: now.utc(),
        };
        let id = store.record_exam_answer(
            self.user.id,
            self.recorded,
            &self.start,
            &given,
            &mut |log| Ok(review::write_once(log, &new).0),
        )?;
        self.recorded = Some(id);
        self.exam = exam;
        self.review = crate::store::new_review_id();
        Ok(Some(verdict))
    }

    /// Stops here: an attempt with answers is kept as abandoned.
    pub fn stop(&mut self) {
        if self.exam.answered() < self.exam.questions().len() && !self.exam.timed_out() {
            self.stopped = true;
        }
        self.exam.stop();
    }

    /// Ends the exam at `now`: scores it (the questions left count wrong),
    /// or keeps a stopped one as abandoned.
    pub fn finish(&mut self, store: &mut (impl Exams + ?Sized), now: Now) -> Result<ExamEnd> {
        let end = now.utc();
        // Time may have run out while nobody asked.
        let _ = self.exam.next(end);
        let total = self.exam.questions().len();
        match self.recorded {
            Some(_) if self.stopped => {
                return Ok(ExamEnd::Abandoned {
                    answered: self.exam.answered(),
                });
            }
            Some(id) => store.finish_exam(id, end, self.exam.timed_out(), &self.unanswered())?,
            None if self.exam.timed_out() && total > 0 => {
                let record = ExamRecord {
                    deck: self.start.deck.clone(),
                    started: self.start.started,
                    ended: end,
                    seed: self.start.seed,
                    pass_mark: self.start.pass_mark,
                    timed_out: true,
                    answers: self.unanswered().into_iter().map(|(_, a)| a).collect(),
                };
                self.recorded = Some(store.record_exam(self.user.id, &record)?);
            }
            None => {
                let why = if total == 0 {
                    "this deck has no card to ask about"
                } else {
                    "no question was answered"
                };
                return Ok(ExamEnd::NotRecorded { why });
            }
        }
        Ok(ExamEnd::Scored(self.result(end)))
    }

    fn unanswered(&self) -> Vec<(usize, ExamAnswer)> {
        self.exam
            .questions()
            .iter()
            .zip(self.exam.answers())
            .enumerate()
            .filter(|(_, (_, a))| a.is_none())
            .map(|(i, (q, _))| {
                let answer = ExamAnswer {
                    card: q.key.card.clone(),
                    area: q.area.clone(),
                    area_name: q.area_name.clone(),
                    question: q.question.prompt().to_string(),
                    solution: q.question.solution(),
                    given: None,
                    correct: false,
                };
                (i, answer)
            })
            .collect()
    }

    fn result(&self, end: DateTime<Utc>) -> ExamResult {
        let (correct, total) = self.exam.score();
        let score = percent(correct, total);
        let missed = (0..total)
            .filter(|i| !self.exam.correct(*i))
            .filter_map(|i| {
                let q = self.exam.questions().get(i)?;
                let given = self.exam.answers().get(i)?.as_ref();
                Some(ExamMiss {
                    position: i + 1,
                    prompt: q.question.prompt().replace('\n', " "),
                    given: given.map(|(g, _)| g.describe(&q.question)),
                    solution: q.question.solution(),
                })
            })
            .collect();
        ExamResult {
            correct,
            total,
            score,
            pass_mark: self.start.pass_mark,
            passed: passed(score, self.start.pass_mark),
            minutes: (end - self.start.started).num_minutes(),
            timed_out: self.exam.timed_out(),
            unanswered: total - self.exam.answered(),
            areas: self.exam.areas(),
            missed,
        }
    }
}
