//! Installed decks: installing and updating from a checked deck file,
//! listing, showing and removing.
//!
//! A card is matched by its id: editing its text keeps its history, a card
//! gone from the file is retired (its history kept, drills skip it), and a
//! retired card that comes back is restored.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore, TxError, time_of, timestamp};
use crate::deck::{Area, Card, Deck};
use crate::model::{DeckId, UserId};
use crate::sched::StudyDay;
use crate::store::{DeckSummary, Decks, InstallReport, InstalledDeck, StoreError};

/// A stored card row: what decides whether a card changed.
struct Stored {
    area: String,
    kind: String,
    content: String,
    position: i64,
    retired: bool,
}

impl Decks for SqliteStore {
    fn install_deck(
        &mut self,
        deck: &Deck,
        now: DateTime<Utc>,
    ) -> Result<InstallReport, StoreError> {
        let now = timestamp(now);
        self.write(|tx| install(tx, deck, &now))
    }

    fn decks(&self, user: Option<UserId>, today: StudyDay) -> Result<Vec<DeckSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT d.id, d.title, d.version,
                    (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NULL),
                    (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NOT NULL),
                    (SELECT COUNT(*) FROM areas a WHERE a.deck_id = d.id),
                    (SELECT COUNT(*) FROM card_state s JOIN cards c
                        ON c.deck_id = s.deck_id AND c.id = s.card_id
                        WHERE s.user_id = ?1 AND s.deck_id = d.id
                        AND c.retired_at IS NULL AND s.due <= ?2),
                    (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NULL
                        AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.user_id = ?1
                            AND s.deck_id = c.deck_id AND s.card_id = c.id))
                 FROM decks d WHERE ?1 IS NULL OR {} ORDER BY d.id",
                super::studied("d.id", "?1")
            ))
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![user, today], |r| {
                Ok(DeckSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    version: r.get(2)?,
                    cards: r.get(3)?,
                    retired: r.get(4)?,
                    areas: r.get(5)?,
                    due: user.map(|_| r.get(6)).transpose()?,
                    new: user.map(|_| r.get(7)).transpose()?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    fn installed_deck(
        &self,
        id: &DeckId,
        user: Option<UserId>,
        today: StudyDay,
    ) -> Result<Option<InstalledDeck>, StoreError> {
        let Some(summary) = self.decks(user, today)?.into_iter().find(|d| d.id == *id) else {
            return Ok(None);
        };
        let (description, installed_at, updated_at) = self
            .conn
            .query_row(
                "SELECT description, installed_at, updated_at FROM decks WHERE id = ?1",
                [id],
                |r| {
                    let (i, u): (String, String) = (r.get(1)?, r.get(2)?);
                    Ok((r.get(0)?, time_of(&i)?, time_of(&u)?))
                },
            )
            .map_err(self.err())?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.id, a.name, a.weight,
                    (SELECT COUNT(*) FROM cards c WHERE c.deck_id = a.deck_id
                        AND c.area_id = a.id AND c.retired_at IS NULL)
                 FROM areas a WHERE a.deck_id = ?1 ORDER BY a.position",
            )
            .map_err(self.err())?;
        let areas = stmt
            .query_map([id], |r| {
                let area = Area {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    weight: r.get(2)?,
                };
                Ok((area, r.get(3)?))
            })
            .map_err(self.err())?
            .collect::<Result<_, _>>()
            .map_err(self.err())?;
        Ok(Some(InstalledDeck {
            summary,
            description,
            installed_at,
            updated_at,
            areas,
        }))
    }

    fn deck_version(&self, id: &DeckId) -> Result<Option<u32>, StoreError> {
        self.conn
            .query_row("SELECT version FROM decks WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.err())
    }

    fn remove_deck(&mut self, id: &DeckId) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            let reviews: Option<u64> = tx
                .query_row(
                    "SELECT (SELECT COUNT(*) FROM reviews WHERE deck_id = ?1)
                     FROM decks WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            // Reviews, card state, cards and areas go with it (ON DELETE CASCADE).
            tx.execute("DELETE FROM decks WHERE id = ?1", [id])?;
            Ok(reviews)
        })
    }

    fn deck_file(&self, id: &DeckId) -> Result<Option<(Deck, Vec<String>)>, StoreError> {
        let err = self.err();
        let Some((title, version, description, new_cards)) = self
            .conn
            .query_row(
                "SELECT title, version, description, new_cards FROM decks WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(&err)?
        else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, weight FROM areas WHERE deck_id = ?1 ORDER BY position")
            .map_err(&err)?;
        let areas = stmt
            .query_map([id], |r| {
                Ok(Area {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    weight: r.get(2)?,
                })
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT content, retired_at IS NOT NULL FROM cards WHERE deck_id = ?1
                 ORDER BY position, id",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        let (mut cards, mut retired) = (Vec::new(), Vec::new());
        for (json, gone) in rows {
            let card = super::card_json(&json).map_err(&err)?;
            if gone {
                retired.push(card.id.clone());
            }
            cards.push(card);
        }
        let deck = Deck {
            info: crate::deck::DeckInfo {
                id: id.to_string(),
                title,
                version,
                description,
                new_cards: crate::deck::NewCards::from_name(&new_cards).unwrap_or_default(),
            },
            areas,
            cards,
        };
        Ok(Some((deck, retired)))
    }

    fn deck_cards(&self, id: &DeckId) -> Result<Vec<Card>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT content FROM cards WHERE deck_id = ?1 AND retired_at IS NULL
                 ORDER BY position",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map_err(self.err())?;
        let mut cards = Vec::new();
        for json in rows {
            let json = json.map_err(self.err())?;
            let card = super::card_json(&json).map_err(self.err())?;
            cards.push(card);
        }
        Ok(cards)
    }
}

/// Installs `deck` in `tx`, or brings an installed copy up to date.
pub(super) fn install(
    tx: &rusqlite::Transaction<'_>,
    deck: &Deck,
    now: &str,
) -> Result<InstallReport, TxError> {
    let mut report = InstallReport {
        deck: DeckId::from(deck.info.id.as_str()),
        version: deck.info.version,
        ..InstallReport::default()
    };
    let id = &deck.info.id;
    let previous: Option<(String, u32, Option<String>, String)> = tx
        .query_row(
            "SELECT title, version, description, new_cards FROM decks WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    report.previous = previous.as_ref().map(|p| p.1);
    if let Some(installed) = report.previous.filter(|v| *v > deck.info.version) {
        return Err(StoreError::Invalid(format!(
            "deck {id}: version {} is older than the installed version {installed}; \
             give the file a version of {installed} or more to update it",
            deck.info.version
        ))
        .into());
    }
    let info = (
        deck.info.title.clone(),
        deck.info.version,
        deck.info.description.clone(),
        deck.info.new_cards.name().to_string(),
    );
    if previous.is_none() {
        tx.execute(
            "INSERT INTO decks (id, title, version, description, new_cards, installed_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, info.0, info.1, info.2, info.3, now],
        )?;
    } else if previous.as_ref() != Some(&info) {
        report.details_changed = true;
    }
    if replace_areas(tx, deck)? {
        report.details_changed |= report.previous.is_some();
    }
    update_cards(tx, deck, now, &mut report)?;
    if report.previous.is_some() && report.changed_anything() {
        tx.execute(
            "UPDATE decks SET title = ?2, version = ?3, description = ?4, new_cards = ?5,
                updated_at = ?6
             WHERE id = ?1",
            params![id, info.0, info.1, info.2, info.3, now],
        )?;
    }
    Ok(report)
}

/// Rewrites a deck's areas if they differ; whether they did.
fn replace_areas(tx: &rusqlite::Transaction<'_>, deck: &Deck) -> Result<bool, TxError> {
    let id = &deck.info.id;
    let mut stmt =
        tx.prepare("SELECT id, name, weight FROM areas WHERE deck_id = ?1 ORDER BY position")?;
    let stored: Vec<Area> = stmt
        .query_map([id], |r| {
            Ok(Area {
                id: r.get(0)?,
                name: r.get(1)?,
                weight: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    if stored == deck.areas {
        return Ok(false);
    }
    tx.execute("DELETE FROM areas WHERE deck_id = ?1", [id])?;
    let mut insert = tx.prepare(
        "INSERT INTO areas (deck_id, id, name, weight, position) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, area) in deck.areas.iter().enumerate() {
        insert.execute(params![id, area.id, area.name, area.weight, position])?;
    }
    Ok(true)
}

/// Adds, updates, retires and restores cards to match the deck file.
fn update_cards(
    tx: &rusqlite::Transaction<'_>,
    deck: &Deck,
    now: &str,
    report: &mut InstallReport,
) -> Result<(), TxError> {
    let id = &deck.info.id;
    let mut stmt = tx.prepare(
        "SELECT id, area_id, kind, content, position, retired_at IS NOT NULL
         FROM cards WHERE deck_id = ?1",
    )?;
    let mut stored: HashMap<String, Stored> = stmt
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                Stored {
                    area: r.get(1)?,
                    kind: r.get(2)?,
                    content: r.get(3)?,
                    position: r.get(4)?,
                    retired: r.get(5)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut insert = tx.prepare(
        "INSERT INTO cards (deck_id, id, area_id, kind, content, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut update = tx.prepare(
        "UPDATE cards SET area_id = ?3, kind = ?4, content = ?5, position = ?6, retired_at = NULL
         WHERE deck_id = ?1 AND id = ?2",
    )?;
    for (position, card) in deck.cards.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let kind = card.content.kind().name();
        let content = serde_json::to_string(card)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let row = params![id, card.id, card.area, kind, content, position];
        match stored.remove(&card.id) {
            None => {
                insert.execute(row)?;
                report.added += 1;
            }
            Some(old) => {
                let same = old.area == card.area && old.kind == kind && old.content == content;
                if same && old.position == position && !old.retired {
                    report.unchanged += 1;
                    continue;
                }
                update.execute(row)?;
                if old.retired {
                    report.restored += 1;
                } else if same {
                    report.unchanged += 1;
                } else {
                    report.changed += 1;
                }
            }
        }
    }
    let mut retire =
        tx.prepare("UPDATE cards SET retired_at = ?3 WHERE deck_id = ?1 AND id = ?2")?;
    for (card, old) in stored {
        if !old.retired {
            retire.execute(params![id, card, now])?;
            report.retired += 1;
        }
    }
    Ok(())
}
