//! What a learner's session needs: their cards with their state, the
//! answers of a study day, and the days they finished a drill.

use rusqlite::params;

use super::reviews::{STATE_COLUMNS, state_at};
use super::{SqliteStore, drill_modes, timestamp};
use crate::deck::NewCards;
use crate::model::{CardKey, DeckId, UserId};
use crate::sched::{State, StudyDay};
use crate::store::{DayReview, SessionRecord, StoreError, Study, StudyCard};

impl Study for SqliteStore {
    fn study_cards(
        &self,
        user: UserId,
        deck: Option<&DeckId>,
    ) -> Result<Vec<StudyCard>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT c.deck_id, c.id, c.content, c.position, a.name, s.{}, a.position, d.new_cards
             FROM cards c
             JOIN decks d ON d.id = c.deck_id
             JOIN areas a ON a.deck_id = c.deck_id AND a.id = c.area_id
             LEFT JOIN card_state s ON s.user_id = ?1 AND s.deck_id = c.deck_id AND s.card_id = c.id
             WHERE c.retired_at IS NULL AND (?2 IS NULL OR c.deck_id = ?2) AND {}
             ORDER BY c.deck_id, c.position",
            STATE_COLUMNS.replace(", ", ", s."),
            super::studied("c.deck_id", "?1")
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
                    card: card.id.as_str().into(),
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

    fn day_reviews(&self, user: UserId, day: StudyDay) -> Result<Vec<DayReview>, StoreError> {
        let sql = format!(
            "SELECT deck_id, card_id, mode, quality, before_due IS NULL FROM reviews
             WHERE user_id = ?1 AND study_day = ?2 AND mode IN ({}, '{}')
             ORDER BY reviewed_at, id",
            drill_modes(),
            crate::model::Mode::Quiz.name()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map(params![user, day], |r| {
                Ok(DayReview {
                    card: CardKey {
                        deck: r.get(0)?,
                        card: r.get(1)?,
                    },
                    mode: r.get(2)?,
                    quality: r.get(3)?,
                    was_new: r.get(4)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    fn record_session(&mut self, s: &SessionRecord) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions (user_id, kind, study_day, started_at, ended_at, cards, finished)
                 VALUES (?1, 'drill', ?2, ?3, ?4, ?5, ?6)",
                params![
                    s.user,
                    s.day,
                    timestamp(s.started),
                    timestamp(s.ended),
                    s.cards,
                    s.finished
                ],
            )?;
            Ok(())
        })
    }

    fn finished_days(&self, user: UserId, until: StudyDay) -> Result<Vec<StudyDay>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT study_day FROM sessions
                 WHERE user_id = ?1 AND finished = 1 AND study_day <= ?2
                 ORDER BY study_day DESC",
            )
            .map_err(self.err())?;
        let days = stmt
            .query_map(params![user, until], |r| r.get(0))
            .map_err(self.err())?;
        days.collect::<Result<_, _>>().map_err(self.err())
    }

    fn sessions(&self, user: UserId) -> Result<Vec<SessionRecord>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT study_day, started_at, ended_at, cards, finished FROM sessions
                 WHERE user_id = ?1 ORDER BY started_at, id",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([user], |r| {
                let (started, ended): (String, String) = (r.get(1)?, r.get(2)?);
                Ok(SessionRecord {
                    user,
                    day: r.get(0)?,
                    started: super::time_of(&started)?,
                    ended: super::time_of(&ended)?,
                    cards: r.get(3)?,
                    finished: r.get(4)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<Result<_, _>>().map_err(&err)
    }
}
