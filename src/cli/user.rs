//! `recall user`: list, add, remove and set.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Context;
use crate::store::prelude::*;
use crate::store::{Access, Setting, UserSummary, check_user_name};
use crate::text::{Align, table};
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
    match command {
        UserCommand::Set { key, value } => {
            let setting = Setting::parse(&key, &value).map_err(Error::Usage)?;
            let (mut store, user) = ctx.learner(Access::ReadWrite)?;
            store.set(&user, setting)?;
            outln!("{}: {setting}", user.name)?;
        }
        UserCommand::List => {
            let store = ctx.store(Access::ReadOnly)?;
            out!("{}", list(&store.users()?, &ctx.user_name()))?;
        }
        UserCommand::Add { name } => {
            check_user_name(&name).map_err(Error::Usage)?;
            let mut store = ctx.store(Access::ReadWrite)?;
            match store.add_user(&name, ctx.now()?.utc())? {
                Some(_) => outln!("added user {name}")?,
                None => return Err(Error::Usage(format!("user {name:?} already exists"))),
            }
        }
        UserCommand::Remove(args) => remove(ctx, &args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Every learner, `current` marked.
fn list(users: &[UserSummary], current: &str) -> String {
    if users.is_empty() {
        return "no users yet: `recall drill` creates one\n".to_string();
    }
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|s| {
            let mark = if s.user.name == current { "*" } else { "" };
            vec![
                format!("{mark}{}", s.user.name),
                s.created_at.format("%Y-%m-%d").to_string(),
                s.reviews.to_string(),
                s.cards.to_string(),
                s.user.new_per_day.to_string(),
                s.user.reviews_per_day.to_string(),
                format!("{:02}:00", s.user.rollover.hour()),
            ]
        })
        .collect();
    let header = [
        "user",
        "since",
        "reviews",
        "cards",
        "new/day",
        "reviews/day",
        "day starts",
    ];
    table(&header, &Align::columns("llrrrrr"), &rows)
}

fn remove(ctx: &Context, args: &RemoveArgs) -> Result<()> {
    let mut store = ctx.store(Access::ReadWrite)?;
    let found = store
        .users()?
        .into_iter()
        .find(|s| s.user.name == args.name);
    let Some(summary) = found else {
        return Err(Error::UnknownUser(args.name.clone()));
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
    outln!("removed user {name} and their {reviews} reviews")
}
