//! `recall check`: the database's own integrity checks, then every card's
//! log replayed and compared with its stored state; `--repair` writes the
//! replayed states.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Replay;
use crate::model::{CardKey, UserId};
use crate::sched::State;
use crate::store::{Maintenance, StoreError, StoredState, Users};

/// A card whose stored state is not what its log gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The learner's name (their `#id` if it cannot be found).
    pub user: String,
    /// The card.
    pub card: CardKey,
    /// `None`: no state stored.
    pub stored: Option<(State, DateTime<Utc>)>,
    /// `None`: the log has no review that schedules the card.
    pub replayed: Option<(State, DateTime<Utc>)>,
}

/// What `check` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The database's integrity and foreign-key problems; empty when sound.
    pub integrity: Vec<String>,
    /// Learners.
    pub users: u64,
    /// Installed decks: none means nothing can be drilled.
    pub decks: u64,
    /// Reviews logged, of every learner.
    pub reviews: u64,
    /// Stored card states.
    pub states: u64,
    /// Cards whose stored state is not what their log gives.
    pub mismatches: Vec<Mismatch>,
}

type Key = (UserId, CardKey);

/// Checks the database and compares every card state with its replayed
/// log.
pub fn check(store: &(impl Maintenance + Users + ?Sized)) -> Result<CheckReport, StoreError> {
    let counts = store.counts()?;
    let replayed = replay_all(store)?;
    let stored: HashMap<Key, (State, DateTime<Utc>)> = store
        .stored_states()?
        .into_iter()
        .map(|s| ((s.user, s.card), (s.state, s.last)))
        .collect();
    let names: HashMap<UserId, String> = store
        .users()?
        .into_iter()
        .map(|s| (s.user.id, s.user.name))
        .collect();
    let mut keys: Vec<&Key> = stored.keys().chain(replayed.keys()).collect();
    keys.sort();
    keys.dedup();
    let mismatches = keys
        .into_iter()
        .filter(|k| stored.get(k) != replayed.get(k))
        .map(|k| Mismatch {
            user: names.get(&k.0).cloned().unwrap_or_else(|| k.0.to_string()),
            card: k.1.clone(),
            stored: stored.get(k).copied(),
            replayed: replayed.get(k).copied(),
        })
        .collect();
    Ok(CheckReport {
        integrity: store.integrity()?,
        users: counts.users,
        decks: counts.decks,
        reviews: counts.reviews,
        states: counts.states,
        mismatches,
    })
}

/// Rewrites every card state from the log; the number of states that
/// changed.
pub fn repair(store: &mut (impl Maintenance + Users + ?Sized)) -> Result<usize, StoreError> {
    let fixes = check(store)?.mismatches.len();
    let states: Vec<StoredState> = replay_all(store)?
        .into_iter()
        .map(|((user, card), (state, last))| StoredState {
            user,
            card,
            state,
            last,
        })
        .collect();
    store.replace_states(&states)?;
    Ok(fixes)
}

/// Every card's state as its log gives it, with its last rescheduling
/// review.
fn replay_all(
    store: &(impl Maintenance + ?Sized),
) -> Result<HashMap<Key, (State, DateTime<Utc>)>, StoreError> {
    let mut out = HashMap::new();
    let mut current: Option<(Key, Replay)> = None;
    store.each_review(&mut |user, card, r| {
        let fresh = current
            .as_ref()
            .is_none_or(|((u, c), _)| *u != user || c != card);
        if fresh {
            if let Some((key, replay)) = current.take() {
                if let Some(done) = replay.finish() {
                    out.insert(key, done);
                }
            }
            current = Some(((user, card.clone()), Replay::default()));
        }
        if let Some((_, replay)) = current.as_mut() {
            replay.step(r.mode, r.quality, r.day, r.at);
        }
        Ok(())
    })?;
    if let Some((key, replay)) = current {
        if let Some(done) = replay.finish() {
            out.insert(key, done);
        }
    }
    Ok(out)
}
