//! What a learner's session needs: their cards with their state, the
//! answers of a study day, and the days they finished a drill.

use super::reviews::STATE_COLUMNS;
use super::{
    PgStore, card_json, day_of, drill_modes, key_at, mode_of, quality_of, state_at, timestamp,
};
use crate::deck::NewCards;
use crate::model::{CardKey, DeckId, UserId};
use crate::sched::{State, StudyDay};
use crate::store::{DayReview, SessionRecord, StoreError, Study, StudyCard};

impl Study for PgStore {
    fn study_cards(
        &self,
        user: UserId,
        deck: Option<&DeckId>,
    ) -> Result<Vec<StudyCard>, StoreError> {
        let sql = format!(
            "SELECT c.deck_id, c.id, c.content, c.position, a.name, s.{}, a.position, d.new_cards
             FROM cards c
             JOIN decks d ON d.id = c.deck_id
             JOIN areas a ON a.deck_id = c.deck_id AND a.id = c.area_id
             LEFT JOIN card_state s ON s.user_id = $1 AND s.deck_id = c.deck_id AND s.card_id = c.id
             WHERE c.retired_at IS NULL AND ($2::TEXT IS NULL OR c.deck_id = $2::TEXT) AND {}
             ORDER BY c.deck_id COLLATE \"C\", c.position",
            STATE_COLUMNS.replace(", ", ", s."),
            super::studied("c.deck_id", "$1")
        );
        let deck: Option<&str> = deck.map(DeckId::as_str);
        let rows = self
            .db()
            .query(sql.as_str(), &[&user.0, &deck])
            .map_err(self.err())?;
        let mut cards = Vec::with_capacity(rows.len());
        for r in &rows {
            let json: String = r.get(2);
            let card = card_json(&json)?;
            let scheduled: Option<i64> = r.get(5);
            let state = match scheduled {
                Some(_) => state_at(r, 5)?,
                None => State::NEW,
            };
            let position: i64 = r.get(3);
            let area_position: i64 = r.get(10);
            let new_cards: String = r.get(11);
            let deck_id: String = r.get(0);
            cards.push(StudyCard {
                key: CardKey {
                    deck: DeckId::from(deck_id),
                    card: card.id.as_str().into(),
                },
                card,
                area_name: r.get(4),
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
             WHERE user_id = $1 AND study_day = $2 AND mode IN ({}, '{}')
             ORDER BY reviewed_at COLLATE \"C\", id",
            drill_modes(),
            crate::model::Mode::Quiz.name()
        );
        let day = day.to_string();
        let rows = self
            .db()
            .query(sql.as_str(), &[&user.0, &day])
            .map_err(self.err())?;
        rows.iter()
            .map(|r| -> Result<DayReview, StoreError> {
                let mode: String = r.get(2);
                Ok(DayReview {
                    card: key_at(r, 0),
                    mode: mode_of(&mode)?,
                    quality: quality_of(r.get(3))?,
                    was_new: r.get(4),
                })
            })
            .collect()
    }

    fn sessions(&self, user: UserId) -> Result<Vec<SessionRecord>, StoreError> {
        let rows = self
            .db()
            .query(
                "SELECT study_day, started_at, ended_at, cards, finished FROM sessions
                 WHERE user_id = $1 ORDER BY started_at COLLATE \"C\", id",
                &[&user.0],
            )
            .map_err(self.err())?;
        rows.iter()
            .map(|r| {
                let (day, started, ended): (String, String, String) =
                    (r.get(0), r.get(1), r.get(2));
                Ok(SessionRecord {
                    user,
                    day: super::day_of(&day)?,
                    started: super::time_of(&started)?,
                    ended: super::time_of(&ended)?,
                    cards: usize::try_from(r.get::<_, i64>(3)).unwrap_or(0),
                    finished: r.get(4),
                })
            })
            .collect()
    }

    fn record_session(&mut self, s: &SessionRecord) -> Result<(), StoreError> {
        let day = s.day.to_string();
        let started = timestamp(s.started);
        let ended = timestamp(s.ended);
        let cards = i64::try_from(s.cards).unwrap_or(i64::MAX);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions (user_id, kind, study_day, started_at, ended_at, cards, finished)
                 VALUES ($1, 'drill', $2, $3, $4, $5, $6)",
                &[&s.user.0, &day, &started, &ended, &cards, &s.finished],
            )?;
            Ok(())
        })
    }

    fn finished_days(&self, user: UserId, until: StudyDay) -> Result<Vec<StudyDay>, StoreError> {
        let until = until.to_string();
        let rows = self
            .db()
            .query(
                "SELECT study_day FROM sessions
                 WHERE user_id = $1 AND finished AND study_day <= $2
                 GROUP BY study_day
                 ORDER BY study_day COLLATE \"C\" DESC",
                &[&user.0, &until],
            )
            .map_err(self.err())?;
        rows.iter()
            .map(|r| day_of(&r.get::<_, String>(0)))
            .collect()
    }
}
