//! The rows a retention report is computed from: cards with their state
//! (retired ones too), scheduled reviews in a span of study days, and the
//! latest exam score per area.
//!
//! Text keys (deck, card and area ids) are ordered `COLLATE "C"`, byte by
//! byte, as SQLite orders them, whatever the database's own collation.

use super::{PgStore, day_of, rescheduling_modes, state_at, time_of};
use crate::model::{CardId, CardKey, DeckId, UserId};
use crate::sched::{MATURE_DAYS, Quality, StudyDay};
use crate::store::{AreaName, ExamScore, ReportCard, ReportSource, ReviewTally, StoreError};

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

    /// One statement for every user, each counted on their own: their
    /// drill and quiz answers in the span, read from the covering index,
    /// the first of each card's day in the order (time, mode, grade, state
    /// before; answers tied on all of these are the same for a count),
    /// byte order for text as in SQLite, counted when the card was already
    /// learned.
    fn review_tallies(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
        from: StudyDay,
        to: StudyDay,
    ) -> Result<Vec<ReviewTally>, StoreError> {
        let err = self.err();
        let deck = deck_param(deck);
        let (from, to) = (from.to_string(), to.to_string());
        let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
        let sql = format!(
            "SELECT u.id, g.deck_id, g.area_id, g.study_day, g.passed, g.mature, g.n
             FROM unnest($1::BIGINT[]) AS u(id)
             CROSS JOIN LATERAL (
                SELECT f.deck_id, c.area_id, f.study_day, f.quality >= {pass} AS passed,
                    f.before_interval >= {mature} AS mature, COUNT(*) AS n
                FROM (
                    SELECT DISTINCT ON (r.study_day, r.deck_id, r.card_id)
                        r.deck_id, r.card_id, r.study_day, r.quality, r.before_reps,
                        r.before_interval
                    FROM reviews r
                    WHERE r.user_id = u.id AND r.study_day BETWEEN $3 AND $4
                      AND r.mode IN ({modes}) AND ($2::TEXT IS NULL OR r.deck_id = $2)
                    ORDER BY r.study_day, r.deck_id, r.card_id, r.reviewed_at COLLATE \"C\",
                        r.mode COLLATE \"C\", r.quality, r.before_reps, r.before_interval
                ) f
                JOIN cards c ON c.deck_id = f.deck_id AND c.id = f.card_id
                WHERE f.before_reps >= 1
                GROUP BY 1, 2, 3, 4, 5
             ) g",
            pass = Quality::PASS.value(),
            mature = MATURE_DAYS,
            modes = rescheduling_modes()
        );
        let rows = self
            .db()
            .query(sql.as_str(), &[&ids, &deck, &from, &to])
            .map_err(&err)?;
        let order: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let day: String = r.get(3);
            out.push(ReviewTally {
                user: UserId(r.get(0)),
                deck: DeckId::from(r.get::<_, String>(1)),
                area: r.get(2),
                day: day_of(&day)?,
                passed: r.get(4),
                mature: r.get(5),
                count: count_of(r.get(6)),
            });
        }
        // In the order the users were asked for, then by key in byte
        // order, as SQLite gives them.
        out.sort_unstable_by(|a, b| {
            let at = |t: &ReviewTally| order.get(&t.user.0).copied().unwrap_or(usize::MAX);
            (at(a), &a.deck, &a.area, a.day, a.passed, a.mature).cmp(&(
                at(b),
                &b.deck,
                &b.area,
                b.day,
                b.passed,
                b.mature,
            ))
        });
        Ok(out)
    }

    fn latest_exam_scores(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ExamScore>, StoreError> {
        let err = self.err();
        let deck = deck_param(deck);
        let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
        // `e.deck_id` and `e.started_at` depend on `e.id`, the key grouped
        // by.
        let rows = self
            .db()
            .query(
                "SELECT e.user_id, e.deck_id, a.area_id, COUNT(*) FILTER (WHERE a.correct),
                    COUNT(*), e.started_at
                 FROM exams e JOIN exam_answers a ON a.exam_id = e.id
                 WHERE e.user_id = ANY($1) AND ($2::TEXT IS NULL OR e.deck_id = $2)
                   AND e.finished
                 GROUP BY e.id, a.area_id
                 ORDER BY e.started_at COLLATE \"C\", e.id, a.area_id COLLATE \"C\"",
                &[&ids, &deck],
            )
            .map_err(&err)?;
        let order: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        // Later attempts replace earlier ones: each (learner, deck, area)
        // keeps its last row, placed where that row came.
        let mut latest: std::collections::HashMap<(i64, String, String), (usize, ExamScore)> =
            std::collections::HashMap::new();
        for (n, r) in rows.iter().enumerate() {
            let at: String = r.get(5);
            let score = ExamScore {
                user: UserId(r.get(0)),
                deck: DeckId::from(r.get::<_, String>(1)),
                area: r.get(2),
                correct: count_of(r.get(3)),
                total: count_of(r.get(4)),
                at: time_of(&at)?,
            };
            let key = (score.user.0, score.deck.to_string(), score.area.clone());
            latest.insert(key, (n, score));
        }
        let mut out: Vec<(usize, ExamScore)> = latest.into_values().collect();
        // Learner by learner, in the order asked for, as SQLite gives them.
        out.sort_by_key(|(n, s)| (order.get(&s.user.0).copied().unwrap_or(usize::MAX), *n));
        let out: Vec<ExamScore> = out.into_iter().map(|(_, s)| s).collect();
        Ok(out)
    }
}
