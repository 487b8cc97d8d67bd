//! What a drill needs from the store: the cards with the user's state,
//! today's counts against the daily limits, finished sessions and the
//! streak they make.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::reviews::{CardKey, STATE_COLUMNS, state_at};
use super::{Store, StoreError, timestamp};
use crate::deck::{Card, NewCards};
use crate::sched::{Quality, State, StudyDay};

/// An active card with its area and the user's state of it: what a
/// session plans with.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyCard {
    pub key: CardKey,
    pub card: Card,
    pub area_name: String,
    /// The user's state of the card before this session.
    pub state: State,
    /// Where the card stands in its deck file, for new-card order.
    pub position: usize,
    /// Where its area stands in the deck's list of areas.
    pub area_position: usize,
    /// How its deck introduces new cards.
    pub new_cards: NewCards,
}

/// What a user has done on one study day, against the daily limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Cards already learned that were reviewed (drill or quiz).
    pub reviews: usize,
    /// Cards seen for the first time.
    pub new: usize,
}

impl Store {
    /// The active cards of every installed deck (or of `deck`), with the
    /// user's state of each, in deck and file order.
    pub fn study_cards(&self, user: i64, deck: Option<&str>) -> Result<Vec<StudyCard>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT c.deck_id, c.id, c.content, c.position, a.name, s.{}, a.position, d.new_cards
             FROM cards c
             JOIN decks d ON d.id = c.deck_id
             JOIN areas a ON a.deck_id = c.deck_id AND a.id = c.area_id
             LEFT JOIN card_state s ON s.user_id = ?1 AND s.deck_id = c.deck_id AND s.card_id = c.id
             WHERE c.retired_at IS NULL AND (?2 IS NULL OR c.deck_id = ?2)
             ORDER BY c.deck_id, c.position",
            STATE_COLUMNS.replace(", ", ", s.")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
        let mut rows = stmt.query(params![user, deck]).map_err(&err)?;
        let mut cards = Vec::new();
        while let Some(r) = rows.next().map_err(&err)? {
            let json: String = r.get(2).map_err(&err)?;
            let card = super::card_json(&json).map_err(&err)?;
            let scheduled: Option<u32> = r.get(5).map_err(&err)?;
            let state = match scheduled {
                Some(_) => state_at(r, 5).map_err(&err)?,
                None => State::NEW,
            };
            let position: i64 = r.get(3).map_err(&err)?;
            let area_position: i64 = r.get(10).map_err(&err)?;
            let new_cards: String = r.get(11).map_err(&err)?;
            cards.push(StudyCard {
                key: CardKey {
                    deck: r.get(0).map_err(&err)?,
                    card: card.id.clone(),
                },
                card,
                area_name: r.get(4).map_err(&err)?,
                state,
                position: usize::try_from(position).unwrap_or(0),
                area_position: usize::try_from(area_position).unwrap_or(0),
                new_cards: NewCards::from_name(&new_cards).unwrap_or_default(),
            });
        }
        Ok(cards)
    }

    /// Reviews and new cards the user has done on `day` (first answers of
    /// a day that reschedule: drill and quiz).
    pub fn day_counts(&self, user: i64, day: StudyDay) -> Result<DayCounts, StoreError> {
        self.conn
            .query_row(
                "SELECT
                    COUNT(DISTINCT CASE WHEN before_due IS NOT NULL THEN deck_id || '/' || card_id END),
                    COUNT(DISTINCT CASE WHEN before_due IS NULL THEN deck_id || '/' || card_id END)
                 FROM reviews
                 WHERE user_id = ?1 AND study_day = ?2 AND mode IN ('drill', 'quiz')",
                params![user, day.to_string()],
                |r| {
                    Ok(DayCounts {
                        reviews: r.get(0)?,
                        new: r.get(1)?,
                    })
                },
            )
            .map_err(self.err())
    }

    /// The cards a user answered in a drill or quiz on `day`.
    pub fn answered_on(&self, user: i64, day: StudyDay) -> Result<Vec<CardKey>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT deck_id, card_id FROM reviews
                 WHERE user_id = ?1 AND study_day = ?2 AND mode IN ('drill', 'quiz')",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![user, day.to_string()], |r| {
                Ok(CardKey {
                    deck: r.get(0)?,
                    card: r.get(1)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// The cards a user still owes an SM-2 repeat on `day`: those whose
    /// latest drill answer of the day (first or repeat) was below 4, in the
    /// order of those answers. A drill stopped early leaves them owed, and
    /// the next drill that day asks them again.
    pub fn owed_repeats(&self, user: i64, day: StudyDay) -> Result<Vec<CardKey>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deck_id, card_id, quality, reviewed_at FROM reviews
                 WHERE user_id = ?1 AND study_day = ?2 AND mode IN ('drill', 'drill-repeat')
                 ORDER BY reviewed_at",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![user, day.to_string()], |r| {
                let key = CardKey {
                    deck: r.get(0)?,
                    card: r.get(1)?,
                };
                Ok((key, r.get::<_, u8>(2)?))
            })
            .map_err(self.err())?;
        // The latest answer of each card decides; keep the order it came in.
        let mut owed: Vec<CardKey> = Vec::new();
        for row in rows {
            let (key, quality) = row.map_err(self.err())?;
            owed.retain(|k| *k != key);
            if quality < Quality::SESSION_DONE.value() {
                owed.push(key);
            }
        }
        Ok(owed)
    }

    /// Records a drill session.
    pub fn record_session(
        &mut self,
        user: i64,
        day: StudyDay,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
        cards: usize,
        finished: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions (user_id, kind, study_day, started_at, ended_at, cards, finished)
                 VALUES (?1, 'drill', ?2, ?3, ?4, ?5, ?6)",
                params![
                    user,
                    day.to_string(),
                    timestamp(started),
                    timestamp(ended),
                    cards,
                    finished
                ],
            )?;
            Ok(())
        })
    }

    /// Consecutive study days with a finished drill, ending today, or
    /// yesterday when today's is still to come.
    pub fn streak(&self, user: i64, today: StudyDay) -> Result<u32, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT study_day FROM sessions
                 WHERE user_id = ?1 AND finished = 1 AND study_day <= ?2
                 ORDER BY study_day DESC",
            )
            .map_err(self.err())?;
        let days = stmt
            .query_map(params![user, today.to_string()], |r| r.get::<_, String>(0))
            .map_err(self.err())?;
        let mut streak = 0;
        let mut expected: Option<StudyDay> = None;
        for day in days {
            let Ok(day) = day.map_err(self.err())?.parse::<StudyDay>() else {
                break;
            };
            let next = match expected {
                None => day == today || day == today.minus_one(),
                Some(e) => day == e,
            };
            if !next {
                break;
            }
            streak += 1;
            expected = Some(day.minus_one());
        }
        Ok(streak)
    }
}
