//! History export and the lookups of an import: a learner's log as rows,
//! and whether a review from a file is already in it.

use postgres::{GenericClient, Row};

use super::reviews::{AFTER_COLUMNS, BEFORE_COLUMNS};
use super::{TxError, bad, key_at, timestamp, u};
use crate::model::UserId;
use crate::store::{Found, HistoryRow, Review, StoreError};

/// A user's whole review log, in the order it replays: by time, then as
/// recorded.
pub(super) fn history(
    db: &mut impl GenericClient,
    user: UserId,
) -> Result<Vec<HistoryRow>, TxError> {
    let sql = format!(
        "SELECT uid, deck_id, card_id, reviewed_at, study_day, mode, quality, response_ms,
            {BEFORE_COLUMNS}, {AFTER_COLUMNS}
         FROM reviews WHERE user_id = $1 ORDER BY reviewed_at COLLATE \"C\", id"
    );
    let rows = db.query(sql.as_str(), &[&user.0])?;
    let history: Vec<HistoryRow> = rows
        .iter()
        .map(history_row)
        .collect::<Result<_, StoreError>>()?;
    Ok(history)
}

/// A grade as exported.
fn grade(n: i64) -> Result<u8, StoreError> {
    u8::try_from(n)
        .ok()
        .filter(|q| *q <= 5)
        .ok_or_else(|| bad("a grade", &n.to_string()))
}

/// An E-Factor in hundredths as exported.
fn ease(n: i64) -> u16 {
    u16::try_from(n.max(0)).unwrap_or(u16::MAX)
}

/// A row of the columns `history` selects.
fn history_row(r: &Row) -> Result<HistoryRow, StoreError> {
    let response_ms: Option<i64> = r.get(7);
    Ok(HistoryRow {
        id: Some(r.get(0)),
        deck: r.get(1),
        card: r.get(2),
        reviewed_at: r.get(3),
        study_day: r.get(4),
        mode: r.get(5),
        quality: grade(r.get(6))?,
        response_ms: response_ms.map(u),
        before_repetitions: u(r.get(8)),
        before_ease: ease(r.get(9)),
        before_interval: u(r.get(10)),
        before_due: r.get(11),
        before_lapses: u(r.get(12)),
        after_repetitions: u(r.get(13)),
        after_ease: ease(r.get(14)),
        after_interval: u(r.get(15)),
        after_due: r.get(16),
        after_lapses: u(r.get(17)),
    })
}

/// Whether a review from a file is already in the user's log (by its id;
/// without one, by time, card, mode and grade); the id it gets if not.
pub(super) fn find_review(
    db: &mut impl GenericClient,
    user: UserId,
    r: &Review,
) -> Result<Found, TxError> {
    match &r.id {
        Some(id) => {
            let owner = db.query_opt(
                "SELECT user_id, deck_id, card_id FROM reviews WHERE uid = $1",
                &[id],
            )?;
            match owner {
                None => Ok(Found::Missing(id.clone())),
                Some(row) => {
                    let owner: i64 = row.get(0);
                    let card = key_at(&row, 1);
                    if owner == user.0 && card == r.card {
                        Ok(Found::Present)
                    } else {
                        Err(TxError::Store(StoreError::HistoryConflict {
                            id: id.clone(),
                            existing: card.to_string(),
                        }))
                    }
                }
            }
        }
        None => {
            let at = timestamp(r.at);
            let mode = r.mode.name();
            let quality = i64::from(r.quality.value());
            let present: bool = db
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM reviews WHERE user_id = $1
                        AND reviewed_at = $2 AND deck_id = $3 AND card_id = $4
                        AND mode = $5 AND quality = $6)",
                    &[
                        &user.0,
                        &at,
                        &r.card.deck.as_str(),
                        &r.card.card.as_str(),
                        &mode,
                        &quality,
                    ],
                )?
                .get(0);
            Ok(if present {
                Found::Present
            } else {
                Found::Missing(crate::store::new_review_id())
            })
        }
    }
}
