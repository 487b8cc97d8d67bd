//! `recall deck`: add (install or update), list, show and remove
//! installed decks; lint and import deck files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::Context;
use crate::deck::{self, Severity};
use crate::model::DeckId;
use crate::store::{Access, InstalledDeck};
use crate::text::{Align, plural, table};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum DeckCommand {
    /// Check deck files and list every problem as path:line:col.
    Lint(LintArgs),
    /// Turn a CSV or TSV spreadsheet (or an Anki text export) into a deck.
    Import(ImportArgs),
    /// Install a deck file, or update an installed deck from it.
    Add {
        /// The deck file (TOML, or JSON when the name ends in .json).
        #[arg(required_unless_present = "builtin")]
        file: Option<PathBuf>,
        /// Install the deck built into recall (again), instead of a file.
        #[arg(long, conflicts_with = "file")]
        builtin: bool,
    },
    /// The installed decks, with what is due today.
    List,
    /// One installed deck: its areas, and with --cards every active card.
    Show {
        id: String,
        /// List every active card too.
        #[arg(long)]
        cards: bool,
    },
    /// Remove an installed deck with its cards and everyone's history of them.
    Remove {
        id: String,
        /// Confirm: the reviews of its cards cannot be recovered.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// Deck files (TOML, or JSON when the name ends in .json).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The spreadsheet: columns front, back, area, tags.
    file: PathBuf,
    /// Where to write the deck; standard output if absent.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// The deck id (default: from #deck: or the file name).
    #[arg(long)]
    id: Option<String>,
    /// The deck title (default: from #deck: or the file name).
    #[arg(long)]
    title: Option<String>,
    /// The area for rows with no area column (default: General).
    #[arg(long, default_value = "General")]
    area: String,
}

pub(super) fn run(ctx: &Context, command: DeckCommand) -> Result<ExitCode> {
    match command {
        DeckCommand::Lint(args) => lint(&args),
        DeckCommand::Import(args) => import(&args),
        DeckCommand::Add { file, .. } => add(ctx, file.as_deref()),
        DeckCommand::List => list(ctx),
        DeckCommand::Show { id, cards } => show(ctx, &id, cards),
        DeckCommand::Remove { id, yes } => remove(ctx, &id, yes),
    }
}

fn add(ctx: &Context, file: Option<&Path>) -> Result<ExitCode> {
    // Checked before the database is opened: a bad file writes nothing.
    let deck = match file {
        Some(file) => deck::load(file)?,
        None => deck::shipped()?,
    };
    let mut store = ctx.store(Access::ReadWrite)?;
    let report = store.install_deck(&deck, ctx.now()?.utc())?;
    if let Some(previous) = report.previous.filter(|p| *p > report.version) {
        errln!(
            "recall: note: deck {} goes back from version {previous} to {}",
            report.deck,
            report.version
        );
    }
    outln!("{report}")?;
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context) -> Result<ExitCode> {
    let store = ctx.store(Access::ReadOnly)?;
    let user = store.user(&ctx.user_name())?;
    let today = ctx
        .now()?
        .study_day(user.as_ref().map(|u| u.rollover).unwrap_or_default());
    let decks = store.decks(user.as_ref().map(|u| u.id), today)?;
    let known = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
    let rows: Vec<Vec<String>> = decks
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.title.clone(),
                d.version.to_string(),
                d.cards.to_string(),
                d.areas.to_string(),
                known(d.due),
                known(d.new),
            ]
        })
        .collect();
    if rows.is_empty() {
        outln!("no decks installed: `recall deck add FILE` installs one")?;
        return Ok(ExitCode::SUCCESS);
    }
    let header = ["deck", "title", "version", "cards", "areas", "due", "new"];
    let align = Align::columns("llrrrrr");
    out!("{}", table(&header, &align, &rows))?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &Context, id: &str, with_cards: bool) -> Result<ExitCode> {
    let id = &DeckId::from(id);
    let store = ctx.store(Access::ReadOnly)?;
    let user = store.user(&ctx.user_name())?;
    let today = ctx
        .now()?
        .study_day(user.as_ref().map(|u| u.rollover).unwrap_or_default());
    let deck = store
        .installed_deck(id, user.as_ref().map(|u| u.id), today)?
        .ok_or_else(|| Error::UnknownDeck(id.to_string()))?;
    let cards = if with_cards {
        Some(store.deck_cards(id)?)
    } else {
        None
    };
    out!("{}", show_text(&deck, cards.as_deref()))?;
    Ok(ExitCode::SUCCESS)
}

/// A deck's title, size and areas, and its cards when given.
fn show_text(deck: &InstalledDeck, cards: Option<&[deck::Card]>) -> String {
    let s = &deck.summary;
    let mut out = format!("{} ({}, version {})\n", s.title, s.id, s.version);
    if let Some(d) = &deck.description {
        out.push_str(&format!("{d}\n"));
    }
    out.push_str(&format!(
        "{} in {}{}; installed {}, updated {}\n\n",
        plural(s.cards, "card"),
        plural(deck.areas.len(), "area"),
        if s.retired > 0 {
            format!(" ({} retired)", s.retired)
        } else {
            String::new()
        },
        deck.installed_at.format("%Y-%m-%d"),
        deck.updated_at.format("%Y-%m-%d"),
    ));
    let rows: Vec<Vec<String>> = deck
        .areas
        .iter()
        .map(|(a, n)| {
            let weight = a.weight.map_or_else(|| "-".to_string(), |w| w.to_string());
            vec![a.id.clone(), a.name.clone(), n.to_string(), weight]
        })
        .collect();
    out.push_str(&table(
        &["area", "name", "cards", "exam weight"],
        &Align::columns("llrr"),
        &rows,
    ));
    if let Some(cards) = cards {
        let cards: Vec<Vec<String>> = cards
            .iter()
            .map(|c| {
                let prompt = c.content.prompt();
                let line = prompt.lines().next().unwrap_or("");
                let short: String = line.chars().take(70).collect();
                let cut = if short.len() < line.len() { "…" } else { "" };
                let kind = c.content.kind().name().to_string();
                vec![c.id.clone(), c.area.clone(), kind, format!("{short}{cut}")]
            })
            .collect();
        out.push('\n');
        out.push_str(&table(
            &["card", "area", "kind", "asks"],
            &Align::columns("llll"),
            &cards,
        ));
    }
    out
}

fn remove(ctx: &Context, id: &str, yes: bool) -> Result<ExitCode> {
    let id = &DeckId::from(id);
    let mut store = ctx.store(Access::ReadWrite)?;
    if store.deck_version(id)?.is_none() {
        return Err(Error::UnknownDeck(id.to_string()));
    }
    if !yes {
        return Err(Error::NeedsYes {
            what: format!("removing deck {id} deletes its cards and every user's reviews of them"),
        });
    }
    let reviews = store.remove_deck(id)?.unwrap_or(0);
    outln!("removed deck {id} and {}", plural(reviews, "review"))?;
    Ok(ExitCode::SUCCESS)
}

fn lint(args: &LintArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for path in &args.files {
        let text = match crate::files::read_text(path) {
            Ok(text) => text,
            Err(err) => {
                writeln!(out, "{}", crate::text::clean(&err.to_string())).map_err(Error::Output)?;
                errors += 1;
                continue;
            }
        };
        let checked = deck::check(path, &text);
        for d in &checked.diagnostics {
            writeln!(out, "{}", crate::text::clean(&d.to_string())).map_err(Error::Output)?;
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        if let Some(deck) = &checked.deck {
            if checked.diagnostics.is_empty() {
                let summary = format!("{}: ok, {}", path.display(), size(deck));
                writeln!(out, "{}", crate::text::clean(&summary)).map_err(Error::Output)?;
            }
        }
    }
    if errors + warnings > 0 {
        errln!(
            "{}",
            plural(errors, "error") + ", " + &plural(warnings, "warning")
        );
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// "12 cards in 3 areas".
fn size(deck: &deck::Deck) -> String {
    let cards = plural(deck.cards.len() as u64, "card");
    format!("{cards} in {}", plural(deck.areas.len(), "area"))
}

fn import(args: &ImportArgs) -> Result<ExitCode> {
    let text = crate::files::read_text(&args.file)?;
    if let Some(id) = args.id.as_deref().filter(|id| !deck::is_id(id)) {
        return Err(Error::Usage(format!(
            "--id '{id}': a deck id may hold only letters, digits, '-', '_' and '.'"
        )));
    }
    for (flag, value) in [
        ("--title", args.title.as_deref()),
        ("--area", Some(&*args.area)),
    ] {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(Error::Usage(format!("{flag} may not be empty")));
        }
    }
    let options = deck::import::Options {
        id: args.id.clone(),
        title: args.title.clone(),
        area: args.area.clone(),
    };
    let imported = match deck::import::import(&args.file, &text, &options) {
        Ok(imported) => imported,
        Err(invalid) => {
            // Every problem, not only the first: the user fixes them in one go.
            for d in &invalid.diagnostics {
                errln!("recall: {d}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    for note in &imported.notes {
        errln!("recall: note: {note}");
    }
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(imported.toml.as_bytes())
                .map_err(Error::Output)?;
        }
        Some(path) => {
            crate::files::write_new(path, imported.toml.as_bytes(), args.force, None)?;
            errln!("wrote {}: {}", path.display(), size(&imported.deck));
        }
    }
    Ok(ExitCode::SUCCESS)
}
