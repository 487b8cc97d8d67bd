//! `recall user`: list, add, remove and set.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Context;
use crate::store::{Access, Role, Setting, StoreError, UserSummary, check_user_name};
use crate::text::{Align, table};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Every user, with their reviews and settings.
    List,
    /// Add a user; with --role, an account on the class server, with a
    /// link for its owner to choose their password.
    Add(AddArgs),
    /// Change the role of an account on the class server.
    Role {
        /// The account's name.
        name: String,
        /// learner, instructor or admin.
        role: Role,
    },
    /// Remove a user and their history (nobody else's).
    Remove(RemoveArgs),
    /// Change a setting of the user: new-per-day, reviews-per-day,
    /// rollover-hour.
    Set { key: String, value: String },
}

#[derive(Debug, Args)]
pub(super) struct AddArgs {
    name: String,
    /// Make an account for the class server: learner, instructor or
    /// admin.
    #[arg(long)]
    role: Option<Role>,
    /// The class server's address, to print the whole link
    /// (https://recall.example.org).
    #[arg(long, value_name = "URL", requires = "role")]
    url: Option<String>,
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
        UserCommand::Add(AddArgs {
            name, role: None, ..
        }) => {
            check_user_name(&name).map_err(Error::Usage)?;
            let mut store = ctx.store(Access::ReadWrite)?;
            match store.add_user(&name, ctx.now()?.utc())? {
                Some(_) => outln!("added user {name}")?,
                None => return Err(Error::Usage(format!("user {name:?} already exists"))),
            }
        }
        UserCommand::Add(AddArgs {
            name,
            role: Some(role),
            url,
        }) => {
            check_user_name(&name).map_err(Error::Usage)?;
            let mut store = ctx.store(Access::ReadWrite)?;
            let (_, secret) =
                crate::accounts::add_account(&mut *store, &name, role, None, ctx.now()?.utc())
                    .map_err(|e| match e {
                        StoreError::UserName(why) => Error::Usage(why),
                        e => e.into(),
                    })?;
            outln!("added the {role} account {name}")?;
            outln!(
                "Send them this link to choose their password; it works once, for {} days:",
                crate::accounts::INVITE_DAYS
            )?;
            outln!("  {}", join_link(url.as_deref(), &secret))?;
        }
        UserCommand::Role { name, role } => {
            let mut store = ctx.store(Access::ReadWrite)?;
            let account = store
                .account_named(&name)?
                .ok_or_else(|| Error::Usage(format!("{name:?} has no account on the class server (recall user add {name} --role {role})")))?;
            store.set_role(account.user.id, role, ctx.now()?.utc())?;
            outln!("{name} is now {role}")?;
        }
        UserCommand::Remove(args) => remove(ctx, &args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// An invitation link: whole with the server's address, else its path.
pub(super) fn join_link(url: Option<&str>, secret: &str) -> String {
    match url {
        Some(url) => format!("{}/join/{secret}", url.trim_end_matches('/')),
        None => {
            format!("https://YOUR-SERVER/join/{secret} (give --url to print the whole address)")
        }
    }
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
