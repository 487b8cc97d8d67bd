//! `recall sync`: merges this learner's log here (`--db`) with another
//! copy of it, both ways: `--with DB` another database (the class
//! server's PostgreSQL, or another file), or `--server URL` the class
//! server over HTTP(S), with a device token (`--device-token` gets one
//! with the learner's password).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::store::Access;
use crate::store::history::{self, Format};
use crate::{Error, Result};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("other").required(true).args(["with", "server"])))]
pub(super) struct SyncArgs {
    /// The other database: a `postgres://` URL, or an SQLite file.
    #[arg(long, value_name = "DB")]
    with: Option<PathBuf>,
    /// The class server, as its address (https://recall.example.org).
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The device token the server gave (see --device-token).
    #[arg(
        long,
        env = "RECALL_SYNC_TOKEN",
        hide_env_values = true,
        requires = "server"
    )]
    token: Option<String>,
    /// Get a device token from the server: reads the learner's password
    /// from standard input, prints the token to keep (RECALL_SYNC_TOKEN).
    #[arg(long, requires = "server", conflicts_with = "token")]
    device_token: bool,
}

pub(super) fn run(ctx: &Context, args: &SyncArgs) -> Result<ExitCode> {
    if let Some(server) = &args.server {
        return over_http(ctx, args, server.trim_end_matches('/'));
    }
    let with = args
        .with
        .as_ref()
        .ok_or_else(|| Error::Usage("give --with or --server".into()))?;
    let (mut here, user) = ctx.learner(Access::ReadWrite)?;
    let now = ctx.now()?.utc();
    let (mut there, _) = crate::store::open_for_use(with, Access::ReadWrite, None, now)?;
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

/// What the server answered: its body, or its sentence as an error.
fn answer(
    server: &str,
    response: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(String, String)> {
    let mut response = response.map_err(|e| Error::Usage(format!("cannot reach {server}: {e}")))?;
    let status = response.status();
    let meta = response
        .headers()
        .get("x-recall-sync")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| Error::Usage(format!("{server}: the answer could not be read: {e}")))?;
    if !status.is_success() {
        return Err(Error::Usage(format!("{server} refused: {}", body.trim())));
    }
    Ok((body, meta))
}

fn over_http(ctx: &Context, args: &SyncArgs, server: &str) -> Result<ExitCode> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let name = ctx.user_name();
    if args.device_token {
        errln!("{name}'s password on {server} (one line):");
        let mut password = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut password)
            .map_err(Error::Output)?;
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("name", &name)
            .append_pair("password", password.trim_end_matches(['\r', '\n']))
            .finish();
        let sent = agent
            .post(&format!("{server}/api/devices"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(body.as_str());
        let (token, _) = answer(server, sent)?;
        outln!("{}", token.trim())?;
        errln!("keep it: RECALL_SYNC_TOKEN=<that token> recall sync --server {server}");
        return Ok(ExitCode::SUCCESS);
    }
    let token = args.token.as_deref().ok_or_else(|| {
        Error::Usage(format!(
            "a sync needs a device token: recall sync --server {server} --device-token"
        ))
    })?;
    let (mut here, user) = ctx.learner(Access::ReadWrite)?;
    let mine = history::write(&here.history(user.id)?, Format::Jsonl).map_err(Error::Usage)?;
    let sent = agent
        .post(&format!("{server}/api/sync"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/x-ndjson")
        .send(mine.as_str());
    let (theirs, meta) = answer(server, sent)?;
    let rows = history::parse(std::path::Path::new(server), &theirs)
        .map_err(|problems| Error::Usage(problems.join("; ")))?;
    let rows = rows.into_iter().map(|(_, row)| row).collect();
    let (received, skipped) = crate::review::merge(&mut *here, user.id, rows)?;
    outln!(
        "{}: sent to {server} ({meta}), received {} new reviews ({} already here)",
        user.name,
        received.added,
        received.present
    )?;
    if skipped > 0 {
        outln!(
            "{skipped} of the server's reviews are of cards not installed here: install the deck and sync again"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
