//! Installed decks: installing and updating (cards matched by id keep
//! their history; cards gone are retired), listing, one deck in full,
//! removing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use postgres::Transaction;

use super::{PgStore, TxError, big, card_json, studied, time_of, timestamp, u};
use crate::deck::{Area, Card, Deck};
use crate::model::{DeckId, UserId};
use crate::sched::StudyDay;
use crate::store::{DeckSummary, Decks, InstallReport, InstalledDeck, StoreError};

/// A card as stored, to compare with the file's.
struct Stored {
    area: String,
    kind: String,
    content: String,
    position: i64,
    retired: bool,
}

impl Decks for PgStore {
    fn install_deck(
        &mut self,
        deck: &Deck,
        now: DateTime<Utc>,
    ) -> Result<InstallReport, StoreError> {
        let now = timestamp(now);
        self.write(|tx| install(tx, deck, &now))
    }

    fn decks(&self, user: Option<UserId>, today: StudyDay) -> Result<Vec<DeckSummary>, StoreError> {
        let sql = format!(
            "SELECT d.id, d.title, d.version,
                (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NULL),
                (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NOT NULL),
                (SELECT COUNT(*) FROM areas a WHERE a.deck_id = d.id),
                (SELECT COUNT(*) FROM card_state s JOIN cards c
                    ON c.deck_id = s.deck_id AND c.id = s.card_id
                    WHERE s.user_id = $1 AND s.deck_id = d.id
                    AND c.retired_at IS NULL AND s.due <= $2),
                (SELECT COUNT(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.user_id = $1
                        AND s.deck_id = c.deck_id AND s.card_id = c.id))
             FROM decks d WHERE $1::BIGINT IS NULL OR {} ORDER BY d.id",
            studied("d.id", "$1")
        );
        let id: Option<i64> = user.map(|u| u.0);
        let rows = self
            .db()
            .query(&sql, &[&id, &today.to_string()])
            .map_err(self.err())?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(rows
            .iter()
            .map(|r| {
                let deck: String = r.get(0);
                DeckSummary {
                    id: DeckId::from(deck.as_str()),
                    title: r.get(1),
                    version: u(r.get(2)),
                    cards: count(r.get(3)),
                    retired: count(r.get(4)),
                    areas: count(r.get(5)),
                    due: user.map(|_| count(r.get(6))),
                    new: user.map(|_| count(r.get(7))),
                }
            })
            .collect())
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
        let row = self
            .db()
            .query_one(
                "SELECT description, installed_at, updated_at FROM decks WHERE id = $1",
                &[&id.as_str()],
            )
            .map_err(self.err())?;
        let (installed, updated): (String, String) = (row.get(1), row.get(2));
        let rows = self
            .db()
            .query(
                "SELECT a.id, a.name, a.weight,
                    (SELECT COUNT(*) FROM cards c WHERE c.deck_id = a.deck_id
                        AND c.area_id = a.id AND c.retired_at IS NULL)
                 FROM areas a WHERE a.deck_id = $1 ORDER BY a.position",
                &[&id.as_str()],
            )
            .map_err(self.err())?;
        let areas = rows
            .iter()
            .map(|r| {
                let area = Area {
                    id: r.get(0),
                    name: r.get(1),
                    weight: r.get(2),
                };
                (area, u64::try_from(r.get::<_, i64>(3)).unwrap_or(0))
            })
            .collect();
        Ok(Some(InstalledDeck {
            summary,
            description: row.get(0),
            installed_at: time_of(&installed)?,
            updated_at: time_of(&updated)?,
            areas,
        }))
    }

    fn deck_version(&self, id: &DeckId) -> Result<Option<u32>, StoreError> {
        Ok(self
            .db()
            .query_opt("SELECT version FROM decks WHERE id = $1", &[&id.as_str()])
            .map_err(self.err())?
            .map(|r| u(r.get(0))))
    }

    fn remove_deck(&mut self, id: &DeckId) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            let reviews = tx
                .query_opt(
                    "SELECT (SELECT COUNT(*) FROM reviews WHERE deck_id = $1)
                     FROM decks WHERE id = $1",
                    &[&id.as_str()],
                )?
                .map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0));
            // Reviews go with their cards (ON DELETE CASCADE); card state,
            // cards and areas with the deck.
            tx.execute("DELETE FROM decks WHERE id = $1", &[&id.as_str()])?;
            Ok(reviews)
        })
    }

    fn deck_file(&self, id: &DeckId) -> Result<Option<(Deck, Vec<String>)>, StoreError> {
        let Some(info) = self
            .db()
            .query_opt(
                "SELECT title, version, description, new_cards FROM decks WHERE id = $1",
                &[&id.as_str()],
            )
            .map_err(self.err())?
        else {
            return Ok(None);
        };
        let areas = self
            .db()
            .query(
                "SELECT id, name, weight FROM areas WHERE deck_id = $1 ORDER BY position",
                &[&id.as_str()],
            )
            .map_err(self.err())?
            .iter()
            .map(|r| Area {
                id: r.get(0),
                name: r.get(1),
                weight: r.get(2),
            })
            .collect();
        let rows = self
            .db()
            .query(
                "SELECT content, retired_at IS NOT NULL FROM cards WHERE deck_id = $1
                 ORDER BY position, id COLLATE \"C\"",
                &[&id.as_str()],
            )
            .map_err(self.err())?;
        let (mut cards, mut retired) = (Vec::new(), Vec::new());
        for r in &rows {
            let card = card_json(&r.get::<_, String>(0))?;
            if r.get::<_, bool>(1) {
                retired.push(card.id.clone());
            }
            cards.push(card);
        }
        let new_cards: String = info.get(3);
        let deck = Deck {
            info: crate::deck::DeckInfo {
                id: id.to_string(),
                title: info.get(0),
                version: u(info.get(1)),
                description: info.get(2),
                new_cards: crate::deck::NewCards::from_name(&new_cards).unwrap_or_default(),
            },
            areas,
            cards,
        };
        Ok(Some((deck, retired)))
    }

    fn deck_cards(&self, id: &DeckId) -> Result<Vec<Card>, StoreError> {
        let rows = self
            .db()
            .query(
                "SELECT content FROM cards WHERE deck_id = $1 AND retired_at IS NULL
                 ORDER BY position",
                &[&id.as_str()],
            )
            .map_err(self.err())?;
        rows.iter()
            .map(|r| card_json(&r.get::<_, String>(0)))
            .collect()
    }
}

/// Installs `deck` in `tx`, or brings an installed copy up to date.
pub(super) fn install(
    tx: &mut Transaction<'_>,
    deck: &Deck,
    now: &str,
) -> Result<InstallReport, TxError> {
    let mut report = InstallReport {
        deck: DeckId::from(deck.info.id.as_str()),
        version: deck.info.version,
        ..InstallReport::default()
    };
    let id = deck.info.id.as_str();
    // Two installs of one deck at once: the second waits for the first.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 5243))",
        &[&format!("deck/{id}")],
    )?;
    let previous: Option<(String, u32, Option<String>, String)> = tx
        .query_opt(
            "SELECT title, version, description, new_cards FROM decks WHERE id = $1",
            &[&id],
        )?
        .map(|r| (r.get(0), u(r.get(1)), r.get(2), r.get(3)));
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
    let version = big(info.1);
    if previous.is_none() {
        tx.execute(
            "INSERT INTO decks (id, title, version, description, new_cards, installed_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
            &[&id, &info.0, &version, &info.2, &info.3, &now],
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
            "UPDATE decks SET title = $2, version = $3, description = $4, new_cards = $5,
                updated_at = $6
             WHERE id = $1",
            &[&id, &info.0, &version, &info.2, &info.3, &now],
        )?;
    }
    Ok(report)
}

/// Rewrites a deck's areas if they differ; whether they did.
fn replace_areas(tx: &mut Transaction<'_>, deck: &Deck) -> Result<bool, TxError> {
    let id = deck.info.id.as_str();
    let stored: Vec<Area> = tx
        .query(
            "SELECT id, name, weight FROM areas WHERE deck_id = $1 ORDER BY position",
            &[&id],
        )?
        .iter()
        .map(|r| Area {
            id: r.get(0),
            name: r.get(1),
            weight: r.get(2),
        })
        .collect();
    if stored == deck.areas {
        return Ok(false);
    }
    tx.execute("DELETE FROM areas WHERE deck_id = $1", &[&id])?;
    let insert = tx.prepare(
        "INSERT INTO areas (deck_id, id, name, weight, position) VALUES ($1, $2, $3, $4, $5)",
    )?;
    for (position, area) in (0_i64..).zip(&deck.areas) {
        tx.execute(
            &insert,
            &[&id, &area.id, &area.name, &area.weight, &position],
        )?;
    }
    Ok(true)
}

/// Adds, updates, retires and restores cards to match the deck file.
fn update_cards(
    tx: &mut Transaction<'_>,
    deck: &Deck,
    now: &str,
    report: &mut InstallReport,
) -> Result<(), TxError> {
    let id = deck.info.id.as_str();
    let mut stored: HashMap<String, Stored> = tx
        .query(
            "SELECT id, area_id, kind, content, position, retired_at IS NOT NULL
             FROM cards WHERE deck_id = $1",
            &[&id],
        )?
        .iter()
        .map(|r| {
            (
                r.get(0),
                Stored {
                    area: r.get(1),
                    kind: r.get(2),
                    content: r.get(3),
                    position: r.get(4),
                    retired: r.get(5),
                },
            )
        })
        .collect();
    let insert = tx.prepare(
        "INSERT INTO cards (deck_id, id, area_id, kind, content, position)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )?;
    let update = tx.prepare(
        "UPDATE cards SET area_id = $3, kind = $4, content = $5, position = $6, retired_at = NULL
         WHERE deck_id = $1 AND id = $2",
    )?;
    for (position, card) in (0_i64..).zip(&deck.cards) {
        let kind = card.content.kind().name();
        let content = serde_json::to_string(card)
            .map_err(|e| StoreError::Invalid(format!("card {}: {e}", card.id)))?;
        let row: [&(dyn postgres::types::ToSql + Sync); 6] =
            [&id, &card.id, &card.area, &kind, &content, &position];
        match stored.remove(&card.id) {
            None => {
                tx.execute(&insert, &row)?;
                report.added += 1;
            }
            Some(old) => {
                let same = old.area == card.area && old.kind == kind && old.content == content;
                if same && old.position == position && !old.retired {
                    report.unchanged += 1;
                    continue;
                }
                tx.execute(&update, &row)?;
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
    let retire = tx.prepare("UPDATE cards SET retired_at = $3 WHERE deck_id = $1 AND id = $2")?;
    let mut gone: Vec<(String, Stored)> = stored.into_iter().collect();
    gone.sort_by(|a, b| a.0.cmp(&b.0));
    for (card, old) in gone {
        if !old.retired {
            tx.execute(&retire, &[&id, &card, &now])?;
            report.retired += 1;
        }
    }
    Ok(())
}
