//! The rows a retention report is computed from: cards with their state
//! (retired ones too), scheduled reviews in a span of study days, and the
//! latest exam score per area.

use rusqlite::params;

use super::reviews::{STATE_COLUMNS, state_at};
use super::{Store, StoreError};
use crate::sched::{State, StudyDay};

/// A card as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCard {
    pub user: i64,
    pub deck: String,
    pub card: String,
    pub area: String,
    /// The card's text, for the weakest-cards list.
    pub content: String,
    pub retired: bool,
    /// `None`: never scheduled.
    pub state: Option<State>,
}

/// A scheduled review: the first drill or quiz answer of a study day to a
/// card already learned (repetitions of 1 or more before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledReview {
    pub user: i64,
    pub deck: String,
    pub area: String,
    pub day: StudyDay,
    pub quality: u8,
    /// The interval before the answer: under 21 days is young, else mature.
    pub interval_before: u32,
}

/// The latest exam score of a user in one area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamScore {
    pub user: i64,
    pub deck: String,
    pub area: String,
    pub correct: usize,
    pub total: usize,
    pub date: String,
}

/// A deck's area in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaName {
    pub deck: String,
    pub area: String,
    pub name: String,
}

fn bad_day(e: chrono::ParseError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

impl Store {
    /// Every area of every installed deck (or of `deck`), in deck order.
    pub fn report_areas(&self, deck: Option<&str>) -> Result<Vec<AreaName>, StoreError> {
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

    /// Each user's view of every card of the chosen decks.
    pub fn report_cards(
        &self,
        users: &[i64],
        deck: Option<&str>,
    ) -> Result<Vec<ReportCard>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT c.deck_id, c.id, c.area_id, c.content, c.retired_at IS NOT NULL, s.{}
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
                    let scheduled: Option<u32> = r.get(5)?;
                    Ok(ReportCard {
                        user,
                        deck: r.get(0)?,
                        card: r.get(1)?,
                        area: r.get(2)?,
                        content: r.get(3)?,
                        retired: r.get(4)?,
                        state: scheduled.map(|_| state_at(r, 5)).transpose()?,
                    })
                })
                .map_err(&err)?;
            for row in rows {
                out.push(row.map_err(&err)?);
            }
        }
        Ok(out)
    }

    /// The scheduled reviews of `users` on study days `from` to `to`.
    pub fn scheduled_reviews(
        &self,
        users: &[i64],
        deck: Option<&str>,
        from: StudyDay,
        to: StudyDay,
    ) -> Result<Vec<ScheduledReview>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.deck_id, c.area_id, r.study_day, r.quality, r.before_interval
                 FROM reviews r
                 JOIN cards c ON c.deck_id = r.deck_id AND c.id = r.card_id
                 WHERE r.user_id = ?1 AND (?2 IS NULL OR r.deck_id = ?2)
                   AND r.study_day BETWEEN ?3 AND ?4
                   AND r.mode IN ('drill', 'quiz') AND r.before_reps >= 1
                   AND NOT EXISTS (
                       SELECT 1 FROM reviews p
                       WHERE p.user_id = r.user_id AND p.deck_id = r.deck_id
                         AND p.card_id = r.card_id AND p.study_day = r.study_day
                         AND p.mode IN ('drill', 'quiz') AND p.reviewed_at < r.reviewed_at)",
            )
            .map_err(&err)?;
        let mut out = Vec::new();
        for &user in users {
            let rows = stmt
                .query_map(params![user, deck, from.to_string(), to.to_string()], |r| {
                    let day: String = r.get(2)?;
                    Ok(ScheduledReview {
                        user,
                        deck: r.get(0)?,
                        area: r.get(1)?,
                        day: day.parse().map_err(bad_day)?,
                        quality: r.get(3)?,
                        interval_before: r.get(4)?,
                    })
                })
                .map_err(&err)?;
            for row in rows {
                out.push(row.map_err(&err)?);
            }
        }
        Ok(out)
    }

    /// Each user's score per area in their latest exam that asked about it.
    pub fn latest_exam_scores(
        &self,
        users: &[i64],
        deck: Option<&str>,
    ) -> Result<Vec<ExamScore>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.deck_id, a.area_id, SUM(a.correct), COUNT(*), e.started_at
                 FROM exams e JOIN exam_answers a ON a.exam_id = e.id
                 WHERE e.user_id = ?1 AND (?2 IS NULL OR e.deck_id = ?2)
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
                        date: at.get(..10).unwrap_or(&at).to_string(),
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
