//! Mock exam attempts: recorded at their first answer, each answer saved
//! as it is given (with its review, in one transaction), scored when the
//! exam finishes; listed with their per-area scores for `recall exam
//! --history` and reports. An attempt that never finished (stopped, or the
//! process killed) is kept as abandoned and never scored.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::reviews::{CardKey, Mode, Recorded, record_in};
use super::{Store, StoreError, TxError, timestamp};
use crate::sched::{Quality, StudyDay};

/// One question of an attempt, as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAnswer {
    pub card: String,
    pub area: String,
    pub area_name: String,
    pub question: String,
    pub solution: String,
    /// `None`: not answered (time ran out, or the exam was stopped).
    pub given: Option<String>,
    pub correct: bool,
}

/// An attempt to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamRecord {
    pub deck: String,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
    pub seed: u64,
    pub pass_mark: u32,
    pub timed_out: bool,
    pub answers: Vec<ExamAnswer>,
}

/// An attempt as it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamStart {
    pub deck: String,
    pub started: DateTime<Utc>,
    pub seed: u64,
    pub pass_mark: u32,
    /// Questions asked in all.
    pub questions: usize,
}

/// One exam answer as given: the question and its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenAnswer {
    /// 0-based place of the question in the exam.
    pub position: usize,
    pub answer: ExamAnswer,
    pub card: CardKey,
    pub quality: Quality,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub response_ms: Option<u32>,
}

/// A past attempt with its scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAttempt {
    pub id: i64,
    pub deck: String,
    pub started_at: String,
    pub minutes: i64,
    pub questions: usize,
    pub correct: usize,
    pub pass_mark: u32,
    pub timed_out: bool,
    /// Whether it was scored: every question answered, or time ran out.
    /// An attempt stopped or cut off is abandoned: kept, never scored.
    pub finished: bool,
    /// Area id, name, correct, total; in the order first asked.
    pub areas: Vec<(String, String, usize, usize)>,
}

impl Store {
    /// Saves one exam answer: its review (logged, never rescheduling) and
    /// the question as asked and answered, in one transaction. The first
    /// answer (`exam` is `None`) records the attempt; its id comes back.
    pub fn record_exam_answer(
        &mut self,
        user: i64,
        exam: Option<i64>,
        start: &ExamStart,
        given: &GivenAnswer,
    ) -> Result<(i64, Recorded), StoreError> {
        self.write(|tx| {
            let id = match exam {
                Some(id) => id,
                None => {
                    tx.execute(
                        "INSERT INTO exams (user_id, deck_id, started_at, ended_at, seed, pass_mark,
                            questions, correct, timed_out, finished)
                         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, 0, 0, 0)",
                        params![
                            user,
                            start.deck,
                            timestamp(start.started),
                            i64::from_ne_bytes(start.seed.to_ne_bytes()),
                            start.pass_mark,
                            start.questions,
                        ],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            let recorded = record_in(
                tx,
                user,
                &given.card,
                given.quality,
                Mode::Exam,
                given.at,
                given.day,
                given.response_ms,
            )?;
            insert_answer(tx, id, given.position, &given.answer)?;
            tx.execute(
                "UPDATE exams SET ended_at = ?2, correct = correct + ?3 WHERE id = ?1",
                params![id, timestamp(given.at), given.answer.correct],
            )?;
            Ok((id, recorded))
        })
    }

    /// Scores an attempt: the questions left unanswered are stored as such
    /// (counted wrong) and the attempt is finished.
    pub fn finish_exam(
        &mut self,
        exam: i64,
        ended: DateTime<Utc>,
        timed_out: bool,
        unanswered: &[(usize, ExamAnswer)],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            for (position, answer) in unanswered {
                insert_answer(tx, exam, *position, answer)?;
            }
            tx.execute(
                "UPDATE exams SET ended_at = ?2, timed_out = ?3, finished = 1 WHERE id = ?1",
                params![exam, timestamp(ended), timed_out],
            )?;
            Ok(())
        })
    }

    /// Stores a finished attempt whole.
    pub fn record_exam(&mut self, user: i64, exam: &ExamRecord) -> Result<i64, StoreError> {
        self.write(|tx| {
            let correct = exam.answers.iter().filter(|a| a.correct).count();
            tx.execute(
                "INSERT INTO exams (user_id, deck_id, started_at, ended_at, seed, pass_mark,
                    questions, correct, timed_out)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    user,
                    exam.deck,
                    timestamp(exam.started),
                    timestamp(exam.ended),
                    i64::from_ne_bytes(exam.seed.to_ne_bytes()),
                    exam.pass_mark,
                    exam.answers.len(),
                    correct,
                    exam.timed_out
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (i, a) in exam.answers.iter().enumerate() {
                insert_answer(tx, id, i, a)?;
            }
            Ok(id)
        })
    }

    /// A user's attempts, oldest first, with per-area scores.
    pub fn exams(&self, user: i64) -> Result<Vec<ExamAttempt>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, deck_id, started_at, ended_at, questions, correct, pass_mark, timed_out,
                    finished
                 FROM exams WHERE user_id = ?1 ORDER BY started_at, id",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([user], |r| {
                let started: String = r.get(2)?;
                let ended: String = r.get(3)?;
                let minutes = match (
                    DateTime::parse_from_rfc3339(&started),
                    DateTime::parse_from_rfc3339(&ended),
                ) {
                    (Ok(s), Ok(e)) => (e - s).num_minutes(),
                    _ => 0,
                };
                Ok(ExamAttempt {
                    id: r.get(0)?,
                    deck: r.get(1)?,
                    started_at: started,
                    minutes,
                    questions: r.get(4)?,
                    correct: r.get(5)?,
                    pass_mark: r.get(6)?,
                    timed_out: r.get(7)?,
                    finished: r.get(8)?,
                    areas: Vec::new(),
                })
            })
            .map_err(&err)?;
        let mut attempts: Vec<ExamAttempt> = rows.collect::<Result<_, _>>().map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT area_id, area_name, SUM(correct), COUNT(*) FROM exam_answers
                 WHERE exam_id = ?1 GROUP BY area_id ORDER BY MIN(position)",
            )
            .map_err(&err)?;
        for a in &mut attempts {
            a.areas = stmt
                .query_map([a.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(&err)?
                .collect::<Result<_, _>>()
                .map_err(&err)?;
        }
        Ok(attempts)
    }
}

fn insert_answer(
    tx: &rusqlite::Transaction<'_>,
    exam: i64,
    position: usize,
    a: &ExamAnswer,
) -> Result<(), TxError> {
    tx.prepare_cached(
        "INSERT INTO exam_answers (exam_id, position, card_id, area_id, area_name,
            question, solution, given, correct)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        exam,
        position,
        a.card,
        a.area,
        a.area_name,
        a.question,
        a.solution,
        a.given,
        a.correct
    ])?;
    Ok(())
}
