//! Mock exam attempts: recorded at their first answer, each answer saved
//! as it is given (with its review, in one transaction), scored when the
//! exam finishes; listed with their per-area scores for `recall exam
//! --history` and reports. An attempt that never finished (stopped, or the
//! process killed) is kept as abandoned and never scored.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore, TxError, time_of, timestamp};
use crate::model::{CardKey, UserId};
use crate::store::{
    AreaScoreRow, CardLog, CardWrite, ExamAnswer, ExamAttempt, ExamId, ExamRecord, ExamStart,
    Exams, GivenAnswer, StoreError,
};

impl Exams for SqliteStore {
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
                    .query_row(
                        "SELECT id FROM exams WHERE uid = ?1 AND user_id = ?2",
                        params![start.id, user],
                        |r| r.get(0),
                    )
                    .optional()?,
            };
            let id = match known {
                Some(id) => id,
                None => {
                    tx.execute(
                        "INSERT INTO exams (user_id, deck_id, started_at, ended_at, seed, pass_mark,
                            questions, correct, timed_out, finished, uid)
                         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, 0, 0, 0, ?7)",
                        params![
                            user,
                            start.deck,
                            timestamp(start.started),
                            i64::from_ne_bytes(start.seed.to_ne_bytes()),
                            start.pass_mark,
                            start.questions,
                            start.id,
                        ],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            let card = CardKey {
                deck: start.deck.clone(),
                card: given.answer.card.clone(),
            };
            super::reviews::update_card(tx, user, &card, review)?;
            // An answer given again after a lost reply is kept once.
            if insert_answer(tx, id, given.position, &given.answer)? {
                tx.execute(
                    "UPDATE exams SET ended_at = ?2, correct = correct + ?3 WHERE id = ?1",
                    params![id, timestamp(given.at), given.answer.correct],
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
                "UPDATE exams SET ended_at = ?2, timed_out = ?3, finished = 1 WHERE id = ?1",
                params![exam.0, timestamp(ended), timed_out],
            )?;
            Ok(())
        })
    }

    fn record_exam(&mut self, user: UserId, exam: &ExamRecord) -> Result<ExamId, StoreError> {
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
            Ok(ExamId(id))
        })
    }

    fn exam_records(&self, user: UserId) -> Result<Vec<ExamRecord>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, deck_id, started_at, ended_at, seed, pass_mark, timed_out
                 FROM exams WHERE user_id = ?1 AND finished = 1 ORDER BY started_at, id",
            )
            .map_err(&err)?;
        let attempts = stmt
            .query_map([user], |r| {
                let (started, ended): (String, String) = (r.get(2)?, r.get(3)?);
                let seed: i64 = r.get(4)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    ExamRecord {
                        deck: r.get(1)?,
                        started: time_of(&started)?,
                        ended: time_of(&ended)?,
                        seed: u64::from_ne_bytes(seed.to_ne_bytes()),
                        pass_mark: r.get(5)?,
                        timed_out: r.get(6)?,
                        answers: Vec::new(),
                    },
                ))
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        let mut answers = self
            .conn
            .prepare(
                "SELECT card_id, area_id, area_name, question, solution, given, correct
                 FROM exam_answers WHERE exam_id = ?1 ORDER BY position",
            )
            .map_err(&err)?;
        let mut out = Vec::with_capacity(attempts.len());
        for (id, mut record) in attempts {
            record.answers = answers
                .query_map([id], |r| {
                    Ok(ExamAnswer {
                        card: r.get(0)?,
                        area: r.get(1)?,
                        area_name: r.get(2)?,
                        question: r.get(3)?,
                        solution: r.get(4)?,
                        given: r.get(5)?,
                        correct: r.get(6)?,
                    })
                })
                .map_err(&err)?
                .collect::<Result<_, _>>()
                .map_err(&err)?;
            out.push(record);
        }
        Ok(out)
    }

    fn exams(&self, user: UserId) -> Result<Vec<ExamAttempt>, StoreError> {
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
                let (started, ended): (String, String) = (r.get(2)?, r.get(3)?);
                let (started, ended) = (time_of(&started)?, time_of(&ended)?);
                Ok(ExamAttempt {
                    id: ExamId(r.get(0)?),
                    deck: r.get(1)?,
                    started_at: started,
                    minutes: (ended - started).num_minutes(),
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
                .query_map([a.id.0], |r| {
                    Ok(AreaScoreRow {
                        area: r.get(0)?,
                        name: r.get(1)?,
                        correct: r.get(2)?,
                        total: r.get(3)?,
                    })
                })
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
) -> Result<bool, TxError> {
    let added = tx
        .prepare_cached(
            "INSERT INTO exam_answers (exam_id, position, card_id, area_id, area_name,
            question, solution, given, correct)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (exam_id, position) DO NOTHING",
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
    Ok(added == 1)
}
