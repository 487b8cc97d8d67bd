//! `recall user`: list, add, remove and set.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Context;
use crate::store::{Access, Setting, check_user_name};
use crate::term::{Align, table};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Every user, with their reviews and settings.
    List,
    /// Add a user.
    Add { name: String },
    /// Remove a user and their history (nobody else's).
    Remove(RemoveArgs),
    /// Change a setting of the user: new-per-day, reviews-per-day,
    /// rollover-hour.
    Set { key: String, value: String },
}

#[derive(Debug, Args)]
pub(super) struct RemoveArgs {
    name: String,
    /// Confirm: the user's reviews cannot be recovered.
    #[arg(long)]
    yes: bool,
}

pub(super) fn run(ctx: &Context, command: UserCommand) -> Result<ExitCode> {
    if let UserCommand::Set { key, value } = &command {
        let setting = Setting::parse(key, value).map_err(Error::Usage)?;
        let (mut store, user) = ctx.learner(Access::ReadWrite)?;
        store.set(&user, setting)?;
        outln!("{}: {setting}", user.name)?;
        return Ok(ExitCode::SUCCESS);
    }
    let access = match command {
        UserCommand::List => Access::ReadOnly,
        _ => Access::ReadWrite,
    };
    let mut store = ctx.store(access)?;
    match command {
        UserCommand::List => {
            let current = ctx.user_name();
            let rows: Vec<Vec<String>> = store
                .users()?
                .into_iter()
                .map(|s| {
                    let mark = if s.user.name == current { "*" } else { "" };
                    vec![
                        format!("{mark}{}", s.user.name),
                        s.created_at.get(..10).unwrap_or(&s.created_at).to_string(),
                        s.reviews.to_string(),
                        s.cards.to_string(),
                        s.user.new_per_day.to_string(),
                        s.user.reviews_per_day.to_string(),
                        format!("{:02}:00", s.user.rollover.hour()),
                    ]
                })
                .collect();
            if rows.is_empty() {
                outln!("no users yet: `recall drill` creates one")?;
            } else {
                let header = [
                    "user",
                    "since",
                    "reviews",
                    "cards",
                    "new/day",
                    "reviews/day",
                    "day starts",
                ];
                let align = Align::columns("llrrrrr");
                out!("{}", table(&header, &align, &rows))?;
            }
        }
        UserCommand::Add { name } => {
            check_user_name(&name).map_err(Error::Usage)?;
            match store.add_user(&name, ctx.now()?.utc())? {
                Some(_) => outln!("added user {name}")?,
                None => return Err(Error::Usage(format!("user {name:?} already exists"))),
            }
        }
        UserCommand::Remove(args) => {
            let found = store
                .users()?
                .into_iter()
                .find(|s| s.user.name == args.name);
            let Some(summary) = found else {
                return Err(Error::UnknownUser(args.name));
            };
            let name = summary.user.name;
            if !args.yes {
                let what = format!(
                    "removing user {name} deletes their {} reviews",
                    summary.reviews
                );
                return Err(Error::NeedsYes { what });
            }
            let reviews = store.remove_user(&name)?.unwrap_or(0);
            outln!("removed user {name} and their {reviews} reviews")?;
        }
        UserCommand::Set { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
