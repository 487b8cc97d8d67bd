//! Mock exam attempts: recorded at their first answer, each answer saved
//! as it is given (with its review, in one transaction), scored when the
//! exam finishes; listed with their per-area scores for `recall exam
//! --history` and reports. An attempt that never finished (stopped, or the
//! process killed) is kept as abandoned and never scored.

use chrono::{DateTime, Utc};
use postgres::{Row, Transaction};

use super::{PgStore, TxError, time_of, timestamp, u};
use crate::model::{CardKey, DeckId, UserId};
use crate::store::{
    AreaScoreRow, CardLog, CardWrite, ExamAnswer, ExamAttempt, ExamId, ExamRecord, ExamStart,
    Exams, GivenAnswer, StoreError,
};

impl Exams for PgStore {
    fn record_exam_answer(
        &mut self,
        user: UserId,
        exam: Option<ExamId>,
        start: &ExamStart,
        given: &GivenAnswer,
        review: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
    ) -> Result<ExamId, StoreError> {
        self.write(|tx| {
            // An attempt whose first answer was saved but whose reply was
            // lost is found again by its start, not recorded twice.
            let known = match exam {
                Some(ExamId(id)) => Some(id),
                None => tx
                    .query_opt(
                        "SELECT id FROM exams WHERE uid = $1 AND user_id = $2",
                        &[&start.id, &user.0],
                    )?
                    .map(|r| r.get(0)),
            };
            let id: i64 = match known {
                Some(id) => id,
                None => tx
                    .query_one(
                        "INSERT INTO exams (user_id, deck_id, started_at, ended_at, seed, pass_mark,
                            questions, correct, timed_out, finished, uid)
                         VALUES ($1, $2, $3, $3, $4, $5, $6, 0, FALSE, FALSE, $7)
                         RETURNING id",
                        &[
                            &user.0,
                            &start.deck.as_str(),
                            &timestamp(start.started),
                            &seed(start.seed),
                            &i64::from(start.pass_mark),
                            &count(start.questions),
                            &start.id,
                        ],
                    )?
                    .get(0),
            };
            let card = CardKey {
                deck: start.deck.clone(),
                card: given.answer.card.clone(),
            };
            super::reviews::update_card(tx, &self.statements, user, &card, review)?;
            // An answer given again after a lost reply is kept once.
            if insert_answer(tx, id, given.position, &given.answer)? {
                tx.execute(
                    "UPDATE exams SET ended_at = $2, correct = correct + $3 WHERE id = $1",
                    &[&id, &timestamp(given.at), &i64::from(given.answer.correct)],
                )?;
            }
            Ok(ExamId(id))
        })
    }

    fn finish_exam(
        &mut self,
        exam: ExamId,
        ended: DateTime<Utc>,
        timed_out: bool,
        unanswered: &[(usize, ExamAnswer)],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            for (position, answer) in unanswered {
                insert_answer(tx, exam.0, *position, answer)?;
            }
            tx.execute(
                "UPDATE exams SET ended_at = $2, timed_out = $3, finished = TRUE WHERE id = $1",
                &[&exam.0, &timestamp(ended), &timed_out],
            )?;
            Ok(())
        })
    }

    fn record_exam(&mut self, user: UserId, exam: &ExamRecord) -> Result<ExamId, StoreError> {
        self.write(|tx| {
            let correct = exam.answers.iter().filter(|a| a.correct).count();
            let id: i64 = tx
                .query_one(
                    "INSERT INTO exams (user_id, deck_id, started_at, ended_at, seed, pass_mark,
                        questions, correct, timed_out)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     RETURNING id",
                    &[
                        &user.0,
                        &exam.deck.as_str(),
                        &timestamp(exam.started),
                        &timestamp(exam.ended),
                        &seed(exam.seed),
                        &i64::from(exam.pass_mark),
                        &count(exam.answers.len()),
                        &count(correct),
                        &exam.timed_out,
                    ],
                )?
                .get(0);
            for (i, a) in exam.answers.iter().enumerate() {
                insert_answer(tx, id, i, a)?;
            }
            Ok(ExamId(id))
        })
    }

    fn exam_records(&self, user: UserId) -> Result<Vec<ExamRecord>, StoreError> {
        let attempts = self
            .db()
            .query(
                "SELECT id, deck_id, started_at, ended_at, seed, pass_mark, timed_out
                 FROM exams WHERE user_id = $1 AND finished ORDER BY started_at COLLATE \"C\", id",
                &[&user.0],
            )
            .map_err(self.err())?;
        let mut out = Vec::with_capacity(attempts.len());
        for a in &attempts {
            let id: i64 = a.get(0);
            let deck: String = a.get(1);
            let (started, ended): (String, String) = (a.get(2), a.get(3));
            let seed: i64 = a.get(4);
            let answers = self
                .db()
                .query(
                    "SELECT card_id, area_id, area_name, question, solution, given, correct
                     FROM exam_answers WHERE exam_id = $1 ORDER BY position",
                    &[&id],
                )
                .map_err(self.err())?
                .iter()
                .map(|r| {
                    let card: String = r.get(0);
                    ExamAnswer {
                        card: card.as_str().into(),
                        area: r.get(1),
                        area_name: r.get(2),
                        question: r.get(3),
                        solution: r.get(4),
                        given: r.get(5),
                        correct: r.get(6),
                    }
                })
                .collect();
            out.push(ExamRecord {
                deck: DeckId::from(deck.as_str()),
                started: time_of(&started)?,
                ended: time_of(&ended)?,
                seed: u64::from_ne_bytes(seed.to_ne_bytes()),
                pass_mark: u(a.get(5)),
                timed_out: a.get(6),
                answers,
            });
        }
        Ok(out)
    }

    fn exams(&self, user: UserId) -> Result<Vec<ExamAttempt>, StoreError> {
        let err = self.err();
        let mut db = self.db();
        let rows = db
            .query(
                "SELECT id, deck_id, started_at, ended_at, questions, correct, pass_mark, timed_out,
                    finished
                 FROM exams WHERE user_id = $1 ORDER BY started_at, id",
                &[&user.0],
            )
            .map_err(&err)?;
        let mut attempts = rows
            .iter()
            .map(attempt_row)
            .collect::<Result<Vec<ExamAttempt>, StoreError>>()?;
        // SQLite groups by area alone and takes a bare `area_name`; here
        // the name is the one recorded with the area's first question.
        let areas = db
            .prepare(
                "SELECT area_id, (ARRAY_AGG(area_name ORDER BY position))[1],
                    COUNT(*) FILTER (WHERE correct), COUNT(*)
                 FROM exam_answers
                 WHERE exam_id = $1 GROUP BY area_id ORDER BY MIN(position)",
            )
            .map_err(&err)?;
        for a in &mut attempts {
            a.areas = db
                .query(&areas, &[&a.id.0])
                .map_err(&err)?
                .iter()
                .map(|r| AreaScoreRow {
                    area: r.get(0),
                    name: r.get(1),
                    correct: count_of(r.get(2)),
                    total: count_of(r.get(3)),
                })
                .collect();
        }
        Ok(attempts)
    }
}

/// An attempt (without its areas) from a row of the columns `exams`
/// selects.
fn attempt_row(r: &Row) -> Result<ExamAttempt, StoreError> {
    let started: String = r.get(2);
    let ended: String = r.get(3);
    let (started, ended) = (time_of(&started)?, time_of(&ended)?);
    Ok(ExamAttempt {
        id: ExamId(r.get(0)),
        deck: DeckId::from(r.get::<_, String>(1)),
        started_at: started,
        minutes: (ended - started).num_minutes(),
        questions: count_of(r.get(4)),
        correct: count_of(r.get(5)),
        pass_mark: u(r.get(6)),
        timed_out: r.get(7),
        finished: r.get(8),
        areas: Vec::new(),
    })
}

/// Stores one question of attempt `exam`, as asked and answered.
fn insert_answer(
    tx: &mut Transaction<'_>,
    exam: i64,
    position: usize,
    a: &ExamAnswer,
) -> Result<bool, TxError> {
    let added = tx.execute(
        "INSERT INTO exam_answers (exam_id, position, card_id, area_id, area_name,
            question, solution, given, correct)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (exam_id, position) DO NOTHING",
        &[
            &exam,
            &count(position),
            &a.card.as_str(),
            &a.area,
            &a.area_name,
            &a.question,
            &a.solution,
            &a.given,
            &a.correct,
        ],
    )?;
    Ok(added == 1)
}

/// A seed as stored: its 64 bits as a signed integer, as SQLite keeps it.
fn seed(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

/// A count or position as stored.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored count (never negative) as a `usize`.
fn count_of(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}
