//! History export and the lookups of an import: a learner's log as rows,
//! and whether a review from a file is already in it.

use rusqlite::{OptionalExtension, params};

use super::reviews::{AFTER_COLUMNS, BEFORE_COLUMNS};
use super::{TxError, timestamp};
use crate::model::{CardKey, UserId};
use crate::store::{Found, HistoryRow, Review, StoreError};

/// A user's whole review log, in the order it replays: by time, then as
/// recorded.
pub(super) fn history(
    conn: &rusqlite::Connection,
    user: UserId,
) -> rusqlite::Result<Vec<HistoryRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT uid, deck_id, card_id, reviewed_at, study_day, mode, quality, response_ms,
            {BEFORE_COLUMNS}, {AFTER_COLUMNS}
         FROM reviews WHERE user_id = ?1 ORDER BY reviewed_at, id"
    ))?;
    let rows = stmt.query_map([user], |r| {
        Ok(HistoryRow {
            id: Some(r.get(0)?),
            deck: r.get(1)?,
            card: r.get(2)?,
            reviewed_at: r.get(3)?,
            study_day: r.get(4)?,
            mode: r.get(5)?,
            quality: r.get(6)?,
            response_ms: r.get(7)?,
            before_repetitions: r.get(8)?,
            before_ease: r.get(9)?,
            before_interval: r.get(10)?,
            before_due: r.get(11)?,
            before_lapses: r.get(12)?,
            after_repetitions: r.get(13)?,
            after_ease: r.get(14)?,
            after_interval: r.get(15)?,
            after_due: r.get(16)?,
            after_lapses: r.get(17)?,
        })
    })?;
    rows.collect()
}

/// Whether a review from a file is already in the user's log (by its id;
/// without one, by time, card, mode and grade); the id it gets if not.
pub(super) fn find_review(
    conn: &rusqlite::Connection,
    user: UserId,
    r: &Review,
) -> Result<Found, TxError> {
    match &r.id {
        Some(id) => {
            let owner: Option<(UserId, CardKey)> = conn
                .prepare_cached("SELECT user_id, deck_id, card_id FROM reviews WHERE uid = ?1")?
                .query_row([id], |row| {
                    Ok((
                        row.get(0)?,
                        CardKey {
                            deck: row.get(1)?,
                            card: row.get(2)?,
                        },
                    ))
                })
                .optional()?;
            match owner {
                None => Ok(Found::Missing(id.clone())),
                Some((u, card)) if u == user && card == r.card => Ok(Found::Present),
                Some((_, card)) => Err(TxError::Store(StoreError::HistoryConflict {
                    id: id.clone(),
                    existing: card.to_string(),
                })),
            }
        }
        None => {
            let present: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM reviews WHERE user_id = ?1
                        AND reviewed_at = ?2 AND deck_id = ?3 AND card_id = ?4
                        AND mode = ?5 AND quality = ?6)",
                )?
                .query_row(
                    params![
                        user,
                        timestamp(r.at),
                        r.card.deck,
                        r.card.card,
                        r.mode,
                        r.quality
                    ],
                    |row| row.get(0),
                )?;
            Ok(if present {
                Found::Present
            } else {
                Found::Missing(crate::store::new_review_id())
            })
        }
    }
}
