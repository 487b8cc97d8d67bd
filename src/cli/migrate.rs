//! `recall migrate --to TARGET`: copies this database (`--db`) whole into
//! an empty one: SQLite to PostgreSQL, PostgreSQL to SQLite, or either to
//! its own kind; then checks the copy.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::store::Access;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct MigrateArgs {
    /// The empty database to copy into: a `postgres://` URL, or an SQLite
    /// file (created if missing).
    #[arg(long, value_name = "DB")]
    to: PathBuf,
}

pub(super) fn run(ctx: &Context, args: &MigrateArgs) -> Result<ExitCode> {
    let source = ctx.db_path()?;
    if source == args.to {
        return Err(Error::Usage(
            "--to names the database being copied: give another".to_string(),
        ));
    }
    let from = ctx.store(Access::ReadOnly)?;
    let mut to = crate::store::open_plain(&args.to)?;
    let report = crate::review::copy(&*from, &mut *to, ctx.now()?.utc())?;
    let c = report.counts;
    outln!(
        "copied {} to {}: {} users, {} decks, {} reviews, {} card states, {} drill sessions, \
         {} exams, {} accounts, {} classes",
        from.place(),
        to.place(),
        c.users,
        c.decks,
        c.reviews,
        c.states,
        report.sessions,
        report.exams,
        report.accounts,
        report.classes
    )?;
    outln!("checked: the same counts, and every card state the replay of its log on both sides")?;
    Ok(ExitCode::SUCCESS)
}
