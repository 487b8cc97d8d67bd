//! Offline sync: a learner's log on one database (a laptop's SQLite file)
//! and on another (the class server's), merged both ways. A review has
//! the same id everywhere it goes, so the merge is a set union
//! ([`import_history`]: what a side has is skipped, what it lacks is
//! appended), and each card's state is rebuilt by replaying its log: a
//! review made offline and one made on the server the same day both
//! count, in the order they were given. Running it again adds nothing;
//! one cut short is completed by running it again.

use super::import_history;
use crate::store::{ImportReport, Review, Store, StoreError, User};

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

/// The reviews of `user` on `from` whose cards `to` has.
fn sendable(
    from: &dyn Store,
    user: &User,
    to: &dyn Store,
) -> Result<(Vec<Review>, usize), StoreError> {
    let mut known = std::collections::HashMap::new();
    let (mut out, mut skipped) = (Vec::new(), 0);
    for row in from.history(user.id)? {
        let review = row.review().map_err(StoreError::Invalid)?;
        let has = match known.get(&review.card) {
            Some(h) => *h,
            None => {
                let h = to.has_card(&review.card)?;
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

/// Merges learner `name`'s log on `here` and on `there`, both ways.
pub fn sync(
    here: &mut dyn Store,
    there: &mut dyn Store,
    name: &str,
) -> Result<SyncReport, StoreError> {
    let (mine, theirs) = (learner(here, name)?, learner(there, name)?);
    let (send, skipped_out) = sendable(here, &mine, there)?;
    let sent = import_history(there, theirs.id, &send)?;
    let (receive, skipped_in) = sendable(there, &theirs, here)?;
    let received = import_history(here, mine.id, &receive)?;
    Ok(SyncReport {
        sent,
        received,
        skipped: skipped_out + skipped_in,
    })
}
