//! `recall sync --with DB`: merges this learner's log here (`--db`) and
//! on another database (the class server's PostgreSQL, or another file),
//! both ways.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::Result;
use crate::store::Access;

#[derive(Debug, Args)]
pub(super) struct SyncArgs {
    /// The other database: a `postgres://` URL, or an SQLite file.
    #[arg(long, value_name = "DB")]
    with: PathBuf,
}

pub(super) fn run(ctx: &Context, args: &SyncArgs) -> Result<ExitCode> {
    let (mut here, user) = ctx.learner(Access::ReadWrite)?;
    let now = ctx.now()?.utc();
    let (mut there, _) = crate::store::open_for_use(&args.with, Access::ReadWrite, None, now)?;
    let report = crate::review::sync(&mut *here, &mut *there, &user.name)?;
    outln!(
        "{}: sent {} new reviews ({} already there), received {} ({} already here)",
        user.name,
        report.sent.added,
        report.sent.present,
        report.received.added,
        report.received.present
    )?;
    if report.skipped > 0 {
        outln!(
            "{} reviews of cards one side has not installed stay where they are: install the deck there and sync again",
            report.skipped
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
