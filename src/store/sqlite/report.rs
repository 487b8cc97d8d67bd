//! The rows a retention report is computed from: cards with their state
//! (retired ones too), scheduled reviews in a span of study days, and the
//! latest exam score per area.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

use super::reviews::{STATE_COLUMNS, state_at};
use super::{SqliteStore, rescheduling_modes, time_of};
use crate::model::{CardKey, DeckId, UserId};
use crate::sched::{MATURE_DAYS, Quality, StudyDay};
use crate::store::{AreaName, ExamScore, ReportCard, ReportSource, ReviewTally, StoreError};

impl ReportSource for SqliteStore {
    fn report_areas(&self, deck: Option<&DeckId>) -> Result<Vec<AreaName>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deck_id, id, name FROM areas WHERE (?1 IS NULL OR deck_id = ?1)
                 ORDER BY deck_id, position",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![deck], |r| {
                Ok(AreaName {
                    deck: r.get(0)?,
                    area: r.get(1)?,
                    name: r.get(2)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    fn report_cards(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ReportCard>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT c.deck_id, c.id, c.area_id, c.retired_at IS NOT NULL, s.{}
             FROM cards c
             LEFT JOIN card_state s ON s.user_id = ?1 AND s.deck_id = c.deck_id AND s.card_id = c.id
             WHERE (?2 IS NULL OR c.deck_id = ?2)
             ORDER BY c.deck_id, c.position",
            STATE_COLUMNS.replace(", ", ", s.")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
        let mut out = Vec::new();
        for &user in users {
            let rows = stmt
                .query_map(params![user, deck], |r| {
                    let scheduled: Option<u32> = r.get(4)?;
                    Ok(ReportCard {
                        user,
                        deck: r.get(0)?,
                        card: r.get(1)?,
                        area: r.get(2)?,
                        retired: r.get(3)?,
                        state: scheduled.map(|_| state_at(r, 4)).transpose()?,
                    })
                })
                .map_err(&err)?;
            for row in rows {
                out.push(row.map_err(&err)?);
            }
        }
        Ok(out)
    }

    fn card_prompt(&self, card: &CardKey) -> Result<Option<String>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT content FROM cards WHERE deck_id = ?1 AND id = ?2",
                params![card.deck, card.card],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())?;
        Ok(json
            .and_then(|j| super::card_json(&j).ok())
            .map(|c| c.content.prompt()))
    }

    /// Each user's drill and quiz answers in the span are read from the
    /// covering index in its order (day, card, time, mode, grade, state
    /// before, then recording) and counted in one pass: the first of each
    /// card's day, when the card was already learned. In process, a scan
    /// in index order costs less than SQL's window functions, which sort.
    fn review_tallies(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
        from: StudyDay,
        to: StudyDay,
    ) -> Result<Vec<ReviewTally>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT r.deck_id, r.card_id, c.area_id, r.study_day, r.quality, r.before_reps,
                r.before_interval
             FROM reviews r INDEXED BY reviews_by_day_card
             JOIN cards c ON c.deck_id = r.deck_id AND c.id = r.card_id
             WHERE r.user_id = ?1 AND r.study_day BETWEEN ?3 AND ?4
               AND r.mode IN ({}) AND (?2 IS NULL OR r.deck_id = ?2)
             ORDER BY r.study_day, r.deck_id, r.card_id, r.reviewed_at, r.mode, r.quality,
                r.before_reps, r.before_interval, r.id",
            rescheduling_modes()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
        let mut out = Vec::new();
        for &user in users {
            let mut counts: BTreeMap<(DeckId, String, StudyDay, bool, bool), usize> =
                BTreeMap::new();
            let mut rows = stmt.query(params![user, deck, from, to]).map_err(&err)?;
            let mut last: Option<(StudyDay, String, String)> = None;
            while let Some(r) = rows.next().map_err(&err)? {
                let (deck, card): (String, String) =
                    (r.get(0).map_err(&err)?, r.get(1).map_err(&err)?);
                let day: StudyDay = r.get(3).map_err(&err)?;
                if last
                    .as_ref()
                    .is_some_and(|(d, k, c)| *d == day && *k == deck && *c == card)
                {
                    continue;
                }
                let reps: u32 = r.get(5).map_err(&err)?;
                if reps >= 1 {
                    let quality: Quality = r.get(4).map_err(&err)?;
                    let interval: u32 = r.get(6).map_err(&err)?;
                    let key = (
                        DeckId::from(deck.as_str()),
                        r.get(2).map_err(&err)?,
                        day,
                        quality.passed(),
                        interval >= MATURE_DAYS,
                    );
                    *counts.entry(key).or_default() += 1;
                }
                last = Some((day, deck, card));
            }
            out.extend(
                counts
                    .into_iter()
                    .map(|((deck, area, day, passed, mature), count)| ReviewTally {
                        user,
                        deck,
                        area,
                        day,
                        passed,
                        mature,
                        count,
                    }),
            );
        }
        Ok(out)
    }

    fn latest_exam_scores(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ExamScore>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.deck_id, a.area_id, SUM(a.correct), COUNT(*), e.started_at
                 FROM exams e JOIN exam_answers a ON a.exam_id = e.id
                 WHERE e.user_id = ?1 AND (?2 IS NULL OR e.deck_id = ?2) AND e.finished = 1
                 GROUP BY e.id, a.area_id
                 ORDER BY e.started_at, e.id",
            )
            .map_err(&err)?;
        let mut out: Vec<ExamScore> = Vec::new();
        for &user in users {
            let rows = stmt
                .query_map(params![user, deck], |r| {
                    let at: String = r.get(4)?;
                    Ok(ExamScore {
                        user,
                        deck: r.get(0)?,
                        area: r.get(1)?,
                        correct: r.get(2)?,
                        total: r.get(3)?,
                        at: time_of(&at)?,
                    })
                })
                .map_err(&err)?;
            for row in rows {
                let score = row.map_err(&err)?;
                // Later attempts replace earlier ones.
                out.retain(|s| {
                    !(s.user == score.user && s.deck == score.deck && s.area == score.area)
                });
                out.push(score);
            }
        }
        Ok(out)
    }
}
