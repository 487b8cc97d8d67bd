//! Copying a whole database into an empty one of either backend (`recall
//! migrate`): decks with every card they ever had, learners with their
//! settings, every review (appended by its id, card state rebuilt by
//! replay), drill sessions, finished exams, accounts, classes with their
//! members and decks, deck owners. Then the copy is checked: the same
//! counts, and every card state the replay of its log on both sides.
//!
//! Logins and invitations are not copied: they are secrets of one server,
//! and a move is the time to end them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::check;
use crate::model::{DeckId, UserId};
use crate::sched::StudyDay;
use crate::store::{Counts, Setting, Store, StoreError};

/// What a copy copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// The counts, the same on both sides.
    pub counts: Counts,
    /// Drill sessions.
    pub sessions: usize,
    /// Finished exams.
    pub exams: usize,
    /// Accounts.
    pub accounts: usize,
    /// Classes.
    pub classes: usize,
}

/// Copies `from` into `to`, which must be empty, at `now` (the time the
/// copy's own records carry); then checks it.
pub fn copy(
    from: &dyn Store,
    to: &mut dyn Store,
    now: DateTime<Utc>,
) -> Result<CopyReport, StoreError> {
    let target = to.counts()?;
    if target.users + target.decks + target.reviews > 0
        || !to.accounts()?.is_empty()
        || !to.classes()?.is_empty()
    {
        return Err(StoreError::Invalid(format!(
            "{} is not empty ({} users, {} decks, {} reviews): recall copies only into an empty database",
            to.place(),
            target.users,
            target.decks,
            target.reviews
        )));
    }
    // Every deck, with every card it ever had; then those retired retire
    // again, their history kept with them.
    let today = StudyDay::of(&now.fixed_offset(), crate::sched::Rollover::DEFAULT);
    for summary in from.decks(None, today)? {
        let Some((deck, retired)) = from.deck_file(&summary.id)? else {
            continue;
        };
        let installed = from
            .installed_deck(&summary.id, None, today)?
            .map_or(now, |d| d.installed_at);
        to.install_deck(&deck, installed)?;
        if !retired.is_empty() {
            let mut active = deck.clone();
            active.cards.retain(|c| !retired.contains(&c.id));
            to.install_deck(&active, now)?;
        }
    }
    // Learners, with their settings; their accounts.
    let mut ids: HashMap<UserId, UserId> = HashMap::new();
    for summary in from.users()? {
        let user = &summary.user;
        let made = to
            .add_user(&user.name, summary.created_at)?
            .ok_or_else(|| StoreError::UserName(format!("{:?} is there twice", user.name)))?;
        for setting in [
            Setting::NewPerDay(user.new_per_day),
            Setting::ReviewsPerDay(user.reviews_per_day),
            Setting::RolloverHour(user.rollover),
        ] {
            to.set(&made, setting)?;
        }
        ids.insert(user.id, made.id);
    }
    let mapped = |id: UserId| {
        ids.get(&id)
            .copied()
            .ok_or_else(|| StoreError::NoSuchUser(id))
    };
    let accounts = from.accounts()?;
    for account in &accounts {
        to.add_account(
            &account.user.name,
            account.role,
            account.password.as_deref(),
            now,
        )?;
    }
    // Each learner's log, sessions and exams.
    let (mut sessions, mut exams) = (0, 0);
    for (&old, &new) in &ids {
        let reviews: Vec<crate::store::Review> = from
            .history(old)?
            .iter()
            .map(|row| row.review().map_err(StoreError::Invalid))
            .collect::<Result<_, _>>()?;
        super::import_history(to, new, &reviews)?;
        for mut session in from.sessions(old)? {
            session.user = new;
            to.record_session(&session)?;
            sessions += 1;
        }
        for exam in from.exam_records(old)? {
            to.record_exam(new, &exam)?;
            exams += 1;
        }
    }
    // Classes, their members and decks; who owns each deck.
    let classes = from.classes()?;
    for class in &classes {
        let made = to
            .add_class(mapped(class.instructor)?, &class.name, now)?
            .ok_or_else(|| StoreError::Invalid(format!("class {:?} is there twice", class.name)))?;
        for member in from.members(class.id)? {
            to.add_member(made.id, mapped(member.user.id)?, now)?;
        }
        for deck in from.class_decks(class.id)? {
            to.assign_deck(made.id, &deck)?;
        }
    }
    for summary in from.decks(None, today)? {
        let deck: DeckId = summary.id;
        if let Some(owner) = from.deck_owner(&deck)? {
            to.set_deck_owner(&deck, mapped(owner)?)?;
        }
    }
    // The check: the same counts, and every state the replay of its log.
    let (source, copied) = (from.counts()?, to.counts()?);
    if source != copied {
        return Err(StoreError::Invalid(format!(
            "the copy differs: {} holds {source:?}, {} holds {copied:?}",
            from.place(),
            to.place()
        )));
    }
    let replayed = check(to)?;
    if !replayed.mismatches.is_empty() || !replayed.integrity.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the copy's card states are not the replay of its log ({} cards differ)",
            replayed.mismatches.len()
        )));
    }
    for (&old, &new) in &ids {
        if from.card_states(old)? != to.card_states(new)? {
            return Err(StoreError::Invalid(format!(
                "the copy's card states differ from {}'s",
                from.place()
            )));
        }
    }
    Ok(CopyReport {
        counts: copied,
        sessions,
        exams,
        accounts: accounts.len(),
        classes: classes.len(),
    })
}
