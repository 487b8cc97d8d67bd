//! `recall class`: the administrator's view of the classes on a class
//! server: list them, make one for an instructor, add or remove a
//! learner, assign a deck, make an invitation link.

use std::process::ExitCode;

use clap::Subcommand;

use super::Context;
use super::user::join_link;
use crate::accounts::{INVITE_DAYS, Purpose};
use crate::model::DeckId;
use crate::store::{Access, Class, ClassId, Role, Store};
use crate::text::{Align, table};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum ClassCommand {
    /// Every class, with its instructor, learners and decks.
    List,
    /// Make a class for an instructor.
    Create {
        /// The class's name.
        name: String,
        /// The account that teaches it (an instructor or administrator).
        #[arg(long, value_name = "NAME")]
        instructor: String,
    },
    /// Add a learner (an account on the server) to a class.
    Add {
        /// The class's number (see `recall class list`).
        class: i64,
        /// The learner's name.
        learner: String,
    },
    /// Take a learner out of a class; their history stays theirs.
    Remove {
        /// The class's number.
        class: i64,
        /// The learner's name.
        learner: String,
    },
    /// Assign an installed deck to a class: its learners drill it.
    Assign {
        /// The class's number.
        class: i64,
        /// The deck's id.
        deck: String,
    },
    /// A single-use link that adds one new learner to a class.
    Invite {
        /// The class's number.
        class: i64,
        /// The class server's address, to print the whole link.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
}

fn class(store: &dyn Store, id: i64) -> Result<Class> {
    store
        .class(ClassId(id))?
        .ok_or_else(|| Error::Usage(format!("no class {id} (recall class list shows them)")))
}

fn account(store: &dyn Store, name: &str) -> Result<crate::store::Account> {
    store.account_named(name)?.ok_or_else(|| {
        Error::Usage(format!(
            "{name:?} has no account on the class server (recall user add {name} --role learner)"
        ))
    })
}

pub(super) fn run(ctx: &Context, command: ClassCommand) -> Result<ExitCode> {
    let now = ctx.now()?.utc();
    match command {
        ClassCommand::List => {
            let store = ctx.store(Access::ReadOnly)?;
            let mut rows = Vec::new();
            for c in store.classes()? {
                let decks: Vec<String> = store
                    .class_decks(c.id)?
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                rows.push(vec![
                    c.id.to_string(),
                    c.name,
                    c.instructor_name,
                    store.members(c.id)?.len().to_string(),
                    decks.join(", "),
                ]);
            }
            if rows.is_empty() {
                outln!("No class yet: recall class create NAME --instructor NAME")?;
            } else {
                out!(
                    "{}",
                    table(
                        &["class", "name", "instructor", "learners", "decks"],
                        &[
                            Align::Right,
                            Align::Left,
                            Align::Left,
                            Align::Right,
                            Align::Left
                        ],
                        &rows
                    )
                )?;
            }
        }
        ClassCommand::Create { name, instructor } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err(Error::Usage(
                    "a class's name has 1 to 100 characters, none of them control characters"
                        .to_string(),
                ));
            }
            let mut store = ctx.store(Access::ReadWrite)?;
            let teacher = account(&*store, &instructor)?;
            if !teacher.role.teaches() {
                return Err(Error::Usage(format!(
                    "{instructor} is a learner: recall user role {instructor} instructor"
                )));
            }
            let made = store
                .add_class(teacher.user.id, &name, now)?
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{instructor} already teaches a class named {name:?}"
                    ))
                })?;
            outln!("made class {} ({name}), taught by {instructor}", made.id)?;
        }
        ClassCommand::Add { class: id, learner } => {
            let mut store = ctx.store(Access::ReadWrite)?;
            let c = class(&*store, id)?;
            let who = account(&*store, &learner)?;
            if who.role != Role::Learner {
                return Err(Error::Usage(format!(
                    "{learner} is an {}, not a learner",
                    who.role
                )));
            }
            if store.add_member(c.id, who.user.id, now)? {
                outln!("added {learner} to {}", c.name)?;
            } else {
                outln!("{learner} is already in {}", c.name)?;
            }
        }
        ClassCommand::Remove { class: id, learner } => {
            let mut store = ctx.store(Access::ReadWrite)?;
            let c = class(&*store, id)?;
            let who = account(&*store, &learner)?;
            if !store.remove_member(c.id, who.user.id)? {
                return Err(Error::Usage(format!("{learner} is not in {}", c.name)));
            }
            outln!("took {learner} out of {}; their history is kept", c.name)?;
        }
        ClassCommand::Assign { class: id, deck } => {
            let mut store = ctx.store(Access::ReadWrite)?;
            let c = class(&*store, id)?;
            let deck = DeckId::from(deck.as_str());
            if store.deck_version(&deck)?.is_none() {
                return Err(Error::UnknownDeck(deck.to_string()));
            }
            store.assign_deck(c.id, &deck)?;
            outln!("{} now drills {deck}", c.name)?;
        }
        ClassCommand::Invite { class: id, url } => {
            let mut store = ctx.store(Access::ReadWrite)?;
            let c = class(&*store, id)?;
            let secret = crate::accounts::invite(&mut *store, Purpose::Join(c.id), None, now)?;
            outln!(
                "A link that adds one new learner to {}; it works once, for {INVITE_DAYS} days:",
                c.name
            )?;
            outln!("  {}", join_link(url.as_deref(), &secret))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
