//! `recall backup FILE`: a consistent copy of the live database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::Result;
use crate::store::Access;

#[derive(Debug, Args)]
pub(super) struct BackupArgs {
    /// Where to write the copy (a new SQLite file).
    file: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

pub(super) fn run(ctx: &Context, args: &BackupArgs) -> Result<ExitCode> {
    let db = ctx.db_path()?;
    let store = ctx.store(Access::ReadOnly)?;
    let mut failed = None;
    crate::files::write_with(&args.file, args.force, Some(&db), |tmp| {
        store.backup(tmp).map_err(|e| {
            failed = Some(e);
            std::io::Error::other("backup failed")
        })
    })
    .map_err(|e| failed.map_or(e, crate::Error::from))?;
    errln!("wrote {}: a copy of {}", args.file.display(), db.display());
    Ok(ExitCode::SUCCESS)
}
