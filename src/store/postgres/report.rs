//! The rows a retention report is computed from: cards with their state
//! (retired ones too), scheduled reviews in a span of study days, and the
//! latest exam score per area.
//!
//! Text keys (deck, card and area ids) are ordered `COLLATE "C"`, byte by
//! byte, as SQLite orders them, whatever the database's own collation.

use super::{PgStore, day_of, quality_of, rescheduling_modes, state_at, time_of, u};
use crate::model::{CardId, CardKey, DeckId, UserId};
use crate::sched::StudyDay;
use crate::store::{AreaName, ExamScore, ReportCard, ReportSource, ScheduledReview, StoreError};

/// A deck filter as bound: `NULL` for every deck.
fn deck_param(deck: Option<&DeckId>) -> Option<&str> {
    deck.map(DeckId::as_str)
}

/// A stored count (never negative) as a `usize`.
fn count_of(n: i64) -> usize {
    usize::try_from(n.max(0)).unwrap_or(usize::MAX)
}

impl ReportSource for PgStore {
    fn report_areas(&self, deck: Option<&DeckId>) -> Result<Vec<AreaName>, StoreError> {
        let rows = self
            .db()
            .query(
                "SELECT deck_id, id, name FROM areas WHERE ($1::TEXT IS NULL OR deck_id = $1)
                 ORDER BY deck_id COLLATE \"C\", position",
                &[&deck_param(deck)],
            )
            .map_err(self.err())?;
        Ok(rows
            .iter()
            .map(|r| AreaName {
                deck: DeckId::from(r.get::<_, String>(0)),
                area: r.get(1),
                name: r.get(2),
            })
            .collect())
    }

    fn report_cards(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ReportCard>, StoreError> {
        let err = self.err();
        let deck = deck_param(deck);
        let mut db = self.db();
        let stmt = db
            .prepare(
                "SELECT c.deck_id, c.id, c.area_id, c.retired_at IS NOT NULL,
                    s.repetitions, s.ease, s.interval, s.due, s.lapses
                 FROM cards c
                 LEFT JOIN card_state s
                    ON s.user_id = $1 AND s.deck_id = c.deck_id AND s.card_id = c.id
                 WHERE ($2::TEXT IS NULL OR c.deck_id = $2)
                 ORDER BY c.deck_id COLLATE \"C\", c.position",
            )
            .map_err(&err)?;
        let mut out = Vec::new();
        for &user in users {
            for r in db.query(&stmt, &[&user.0, &deck]).map_err(&err)? {
                // No stored state (the LEFT JOIN found none): never
                // scheduled.
                let scheduled: Option<i64> = r.get(4);
                out.push(ReportCard {
                    user,
                    deck: DeckId::from(r.get::<_, String>(0)),
                    card: CardId::from(r.get::<_, String>(1)),
                    area: r.get(2),
                    retired: r.get(3),
                    state: scheduled.map(|_| state_at(&r, 4)).transpose()?,
                });
            }
        }
        Ok(out)
    }

    fn card_prompt(&self, card: &CardKey) -> Result<Option<String>, StoreError> {
        let row = self
            .db()
            .query_opt(
                "SELECT content FROM cards WHERE deck_id = $1 AND id = $2",
                &[&card.deck.as_str(), &card.card.as_str()],
            )
            .map_err(self.err())?;
        Ok(row
            .and_then(|r| super::card_json(r.get::<_, &str>(0)).ok())
            .map(|c| c.content.prompt()))
    }

    /// The scheduled reviews of `users` on study days `from` to `to`.
    ///
    /// Each user's drill and quiz answers are read in (day, card, time)
    /// order, and the first of each card's day is kept when the card was
    /// already learned: one ordered scan, no correlated subquery. Answers
    /// given at the same time are taken in the order SQLite's covering
    /// index gives them (mode, grade, state before, then recording).
    fn scheduled_reviews(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
        from: StudyDay,
        to: StudyDay,
    ) -> Result<Vec<ScheduledReview>, StoreError> {
        let err = self.err();
        let deck = deck_param(deck);
        let (from, to) = (from.to_string(), to.to_string());
        let sql = format!(
            "SELECT r.deck_id, r.card_id, c.area_id, r.study_day, r.quality, r.before_reps,
                r.before_interval
             FROM reviews r
             JOIN cards c ON c.deck_id = r.deck_id AND c.id = r.card_id
             WHERE r.user_id = $1 AND r.study_day BETWEEN $3 AND $4
               AND r.mode IN ({}) AND ($2::TEXT IS NULL OR r.deck_id = $2)
             ORDER BY r.study_day COLLATE \"C\", r.deck_id COLLATE \"C\",
                r.card_id COLLATE \"C\", r.reviewed_at COLLATE \"C\", r.mode COLLATE \"C\",
                r.quality, r.before_reps, r.before_interval, r.id",
            rescheduling_modes()
        );
        let mut db = self.db();
        let stmt = db.prepare(sql.as_str()).map_err(&err)?;
        let mut out = Vec::new();
        for &user in users {
            let rows = db
                .query(&stmt, &[&user.0, &deck, &from, &to])
                .map_err(&err)?;
            let mut last: Option<(String, String, String)> = None;
            for r in &rows {
                let key: (String, String, String) = (r.get(3), r.get(0), r.get(1));
                if last.as_ref() == Some(&key) {
                    continue;
                }
                let reps: i64 = r.get(5);
                if reps >= 1 {
                    out.push(ScheduledReview {
                        user,
                        deck: DeckId::from(key.1.as_str()),
                        area: r.get(2),
                        day: day_of(&key.0)?,
                        quality: quality_of(r.get(4))?,
                        interval_before: u(r.get(6)),
                    });
                }
                last = Some(key);
            }
        }
        Ok(out)
    }

    fn latest_exam_scores(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ExamScore>, StoreError> {
        let err = self.err();
        let deck = deck_param(deck);
        let mut db = self.db();
        // `e.deck_id` and `e.started_at` depend on `e.id`, the key grouped
        // by.
        let stmt = db
            .prepare(
                "SELECT e.deck_id, a.area_id, COUNT(*) FILTER (WHERE a.correct), COUNT(*),
                    e.started_at
                 FROM exams e JOIN exam_answers a ON a.exam_id = e.id
                 WHERE e.user_id = $1 AND ($2::TEXT IS NULL OR e.deck_id = $2) AND e.finished
                 GROUP BY e.id, a.area_id
                 ORDER BY e.started_at, e.id, a.area_id COLLATE \"C\"",
            )
            .map_err(&err)?;
        let mut out: Vec<ExamScore> = Vec::new();
        for &user in users {
            for r in db.query(&stmt, &[&user.0, &deck]).map_err(&err)? {
                let at: String = r.get(4);
                let score = ExamScore {
                    user,
                    deck: DeckId::from(r.get::<_, String>(0)),
                    area: r.get(1),
                    correct: count_of(r.get(2)),
                    total: count_of(r.get(3)),
                    at: time_of(&at)?,
                };
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
