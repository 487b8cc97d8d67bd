//! `recall report`: retention by skill area as a table, JSON, CSV or an
//! HTML page, for the learner or (`--all-users`) the whole class.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::model::DeckId;
use crate::report::{self, Window, html, render};
use crate::sched::{Rollover, StudyDay};
use crate::store::{Access, User};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// The window starts on this study day (YYYY-MM-DD) [default: 30 days]
    #[arg(long, value_name = "DATE", conflicts_with = "days", value_parser = parse_day)]
    since: Option<StudyDay>,
    /// The window is the last N study days, today included [default: 30]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    days: Option<u32>,
    /// Every user, one row per user and area, with class totals.
    #[arg(long)]
    all_users: bool,
    /// JSON with a stable schema (see the README).
    #[arg(long, conflicts_with_all = ["csv", "html"])]
    json: bool,
    /// CSV, one row per user and area, then totals.
    #[arg(long, conflicts_with = "html")]
    csv: bool,
    /// Write a self-contained HTML page with charts to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Replace the --html file if it exists.
    #[arg(long, requires = "html")]
    force: bool,
    /// Every column of the table, however wide the terminal (through a
    /// pipe every column is always written).
    #[arg(long, conflicts_with_all = ["json", "csv", "html"])]
    wide: bool,
}

fn parse_day(s: &str) -> std::result::Result<StudyDay, String> {
    s.parse()
        .map_err(|e| format!("{s:?} is not a date as YYYY-MM-DD: {e}"))
}

pub(super) fn run(ctx: &Context, args: &ReportArgs, user_given: bool) -> Result<ExitCode> {
    if args.all_users && user_given {
        return Err(Error::Usage(
            "--all-users and --user: choose one".to_string(),
        ));
    }
    let (store, users) = if args.all_users {
        let store = ctx.store(Access::ReadOnly)?;
        let users: Vec<User> = store.users()?.into_iter().map(|s| s.user).collect();
        (store, users)
    } else {
        let (store, user) = ctx.learner(Access::ReadOnly)?;
        (store, vec![user])
    };
    // A class has no one rollover hour: its days start at the default.
    let rollover = match (args.all_users, users.first()) {
        (false, Some(user)) => user.rollover,
        _ => Rollover::DEFAULT,
    };
    let today = ctx.now()?.study_day(rollover);
    let window = Window::of(args.since, args.days, today).map_err(Error::Usage)?;
    let deck = args.deck.as_deref().map(DeckId::from);
    let report = report::load(&*store, &users, deck.as_ref(), window, args.all_users)?;
    write(ctx, args, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the report as `args` ask: JSON, CSV, an HTML file or a table.
fn write(ctx: &Context, args: &ReportArgs, report: &report::Report) -> Result<()> {
    if args.json {
        let json = serde_json::to_string_pretty(report)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        outln!("{json}")?;
    } else if args.csv {
        let csv =
            render::csv(report).map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))?;
        out!("{csv}")?;
    } else if let Some(path) = &args.html {
        let db = ctx.db_path()?;
        crate::files::write_new(path, html::page(report).as_bytes(), args.force, Some(&db))?;
        errln!("wrote {}", path.display());
    } else {
        use std::io::IsTerminal;
        let width = match crossterm::terminal::size() {
            Ok((cols, _)) if !args.wide && std::io::stdout().is_terminal() => {
                render::Width::Terminal(usize::from(cols))
            }
            _ => render::Width::All,
        };
        out!("{}", render::text_in(report, width))?;
    }
    Ok(())
}
