//! Offline sync: a learner's log on one database (a laptop's SQLite file)
//! and on another (the class server's), merged both ways. A review has
//! the same id everywhere it goes, so the merge is a set union
//! ([`import_history`]: what a side has is skipped, what it lacks is
//! appended), and each card's state is rebuilt by replaying its log: a
//! review made offline and one made on the server the same day both
//! count, in the order they were given. Running it again adds nothing;
//! one cut short is completed by running it again.

use super::import_history;
use crate::model::UserId;
use crate::store::{HistoryRow, ImportReport, Review, ReviewLog, Store, StoreError, User};

/// What a sync did, each way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// This side's reviews on the other: how many it already had and how
    /// many were added.
    pub sent: ImportReport,
    /// The other side's reviews here.
    pub received: ImportReport,
    /// Reviews of cards one side does not have installed, left where they
    /// are (install the deck there, then sync again).
    pub skipped: usize,
}

/// The learner `name` on `store`, or why not.
fn learner(store: &dyn Store, name: &str) -> Result<User, StoreError> {
    store
        .user(name)?
        .ok_or_else(|| StoreError::Invalid(format!("{} has no learner {name:?}", store.place())))
}

/// The reviews of `rows` (a log from another copy) whose cards `store`
/// has installed, and how many were of cards it has not.
fn installed(
    store: &(impl ReviewLog + ?Sized),
    rows: Vec<HistoryRow>,
) -> Result<(Vec<Review>, usize), StoreError> {
    let mut known = std::collections::HashMap::new();
    let (mut out, mut skipped) = (Vec::new(), 0);
    for row in rows {
        let review = row.review().map_err(StoreError::Invalid)?;
        let has = match known.get(&review.card) {
            Some(h) => *h,
            None => {
                let h = store.has_card(&review.card)?;
                known.insert(review.card.clone(), h);
                h
            }
        };
        if has {
            out.push(review);
        } else {
            skipped += 1;
        }
    }
    Ok((out, skipped))
}

/// One side of a sync: adds to `user`'s log on `store` the reviews of
/// `rows` (the log of another copy) that it lacks, of the cards it has
/// installed. What the import did, and how many reviews were of cards not
/// installed here (left where they are).
pub fn merge(
    store: &mut (impl ReviewLog + ?Sized),
    user: UserId,
    rows: Vec<HistoryRow>,
) -> Result<(ImportReport, usize), StoreError> {
    let (reviews, skipped) = installed(store, rows)?;
    Ok((import_history(store, user, &reviews)?, skipped))
}

/// Merges learner `name`'s log on `here` and on `there`, both ways.
pub fn sync(
    here: &mut dyn Store,
    there: &mut dyn Store,
    name: &str,
) -> Result<SyncReport, StoreError> {
    let (mine, theirs) = (learner(here, name)?, learner(there, name)?);
    let (sent, skipped_out) = merge(there, theirs.id, here.history(mine.id)?)?;
    let (received, skipped_in) = merge(here, mine.id, there.history(theirs.id)?)?;
    Ok(SyncReport {
        sent,
        received,
        skipped: skipped_out + skipped_in,
    })
}
