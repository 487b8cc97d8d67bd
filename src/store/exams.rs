//! Mock exam attempts: stored whole at the end of an exam, listed with
//! their per-area scores for `recall exam --history` and reports.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, timestamp};

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
    /// Area id, name, correct, total; in the order first asked.
    pub areas: Vec<(String, String, usize, usize)>,
}

impl Store {
    /// Stores a finished attempt.
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
            let mut insert = tx.prepare(
                "INSERT INTO exam_answers (exam_id, position, card_id, area_id, area_name,
                    question, solution, given, correct)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (i, a) in exam.answers.iter().enumerate() {
                insert.execute(params![
                    id,
                    i,
                    a.card,
                    a.area,
                    a.area_name,
                    a.question,
                    a.solution,
                    a.given,
                    a.correct
                ])?;
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
                "SELECT id, deck_id, started_at, ended_at, questions, correct, pass_mark, timed_out
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
