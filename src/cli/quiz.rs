//! `recall quiz`: questions built from any card, graded for the learner,
//! rescheduling each card exactly as a drill answer would.
//!
//! Grading to SM-2: right -> 4; right and marked easy -> 5; a typed answer
//! with a small typo -> 3; wrong -> 1.

use std::collections::HashMap;
use std::process::ExitCode;

use clap::Args;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::Context;
use super::answer;
use super::drill::{day_seed, per_area, study_items};
use crate::deck::Card;
use crate::quiz::exam::{Given, judge, percent};
use crate::quiz::{Form, Match, Pool, Question, build};
use crate::sched::{Quality, StudyDay};
use crate::session::{Item, Outcome, Summary};
use crate::store::{Access, Mode, Store};
use crate::term::{Style, Terminal, plural};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct QuizArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Only these areas (repeat the flag for several).
    #[arg(long = "area", value_name = "ID")]
    areas: Vec<String>,
    /// How many questions.
    #[arg(long, default_value_t = 10)]
    count: usize,
    /// Question kinds to ask, comma-separated: choice, truefalse, typed,
    /// cloze [default: all]
    #[arg(long, value_delimiter = ',', value_parser = parse_form)]
    kinds: Vec<Form>,
    /// Fixes the questions and their option order (default: one per user
    /// and day).
    #[arg(long)]
    seed: Option<u64>,
}

fn parse_form(s: &str) -> std::result::Result<Form, String> {
    Form::from_name(s.trim())
        .ok_or_else(|| format!("unknown kind {s:?}: use choice, truefalse, typed or cloze"))
}

/// Due cards first (most overdue first), then the weakest learned ones
/// (lowest E-Factor, then most lapses), then new ones in deck order.
pub(super) fn quiz_order(items: Vec<Item>, today: StudyDay) -> Vec<Item> {
    let (mut due, rest): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| i.state.due.is_some_and(|d| d <= today));
    due.sort_by_key(|i| i.state.due);
    let (mut weak, new): (Vec<Item>, Vec<Item>) = rest.into_iter().partition(|i| !i.state.is_new());
    weak.sort_by(|a, b| {
        (a.state.ease, std::cmp::Reverse(a.state.lapses))
            .cmp(&(b.state.ease, std::cmp::Reverse(b.state.lapses)))
    });
    due.extend(weak);
    due.extend(new);
    due
}

/// Each deck's cards and skill areas, for building questions.
pub(super) struct Pools {
    cards: HashMap<String, Vec<Card>>,
    skills: HashMap<String, Vec<(String, String)>>,
}

impl Pools {
    pub fn new(items: &[Item]) -> Pools {
        let mut cards: HashMap<String, Vec<Card>> = HashMap::new();
        let mut skills: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for item in items {
            cards
                .entry(item.key.deck.clone())
                .or_default()
                .push(item.card.clone());
            // An area with a practice card is a skill a practice can develop.
            if item.card.tags.iter().any(|t| t == "practice") {
                let list = skills.entry(item.key.deck.clone()).or_default();
                if !list.iter().any(|(id, _)| *id == item.card.area) {
                    list.push((item.card.area.clone(), item.area_name.clone()));
                }
            }
        }
        Pools { cards, skills }
    }

    pub fn pool(&self, deck: &str) -> Pool<'_> {
        Pool {
            cards: self.cards.get(deck).map_or(&[], Vec::as_slice),
            skills: self.skills.get(deck).map_or(&[], Vec::as_slice),
        }
    }
}

/// Builds up to `count` questions from `items` in order, skipping cards
/// no allowed form suits.
pub(super) fn questions(
    items: Vec<Item>,
    forms: &[Form],
    count: usize,
    seed: u64,
) -> Vec<(Item, Question)> {
    let pools = Pools::new(&items);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for item in items {
        if out.len() == count {
            break;
        }
        if let Some(q) = build(&item.card, &pools.pool(&item.key.deck), forms, &mut rng) {
            out.push((item, q));
        }
    }
    out
}

pub(super) fn run(ctx: &Context, args: &QuizArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    let today = clock.now().study_day(user.rollover);
    let items = study_items(&store, &user, args.deck.as_deref(), &args.areas)?;
    let forms = if args.kinds.is_empty() {
        Form::ALL.to_vec()
    } else {
        args.kinds.clone()
    };
    let seed = args.seed.unwrap_or_else(|| day_seed(&user.name, today));
    let asked = questions(quiz_order(items, today), &forms, args.count, seed);
    let mut term = Terminal::open().map_err(Error::Output)?;
    term.set_keys_help(
        "Keys: a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter\n\
         After an answer: Enter goes on; e marks a right answer easy",
    );
    store.set_patience(answer::PATIENCE)?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut missed: Vec<(Question, Given)> = Vec::new();
    let total = asked.len();
    for (n, (item, question)) in asked.into_iter().enumerate() {
        term.clear().map_err(Error::Output)?;
        let progress = if question.names_area(&item.area_name) {
            format!("quiz {}/{total}", n + 1)
        } else {
            format!("quiz {}/{total} · {}", n + 1, item.area_name)
        };
        term.say_styled(&progress, Style::Dim)
            .map_err(Error::Output)?;
        let shown = clock.now().utc();
        let Some(given) = answer::ask(&mut term, &question).map_err(Error::Output)? else {
            break;
        };
        clock.answered();
        let verdict = judge(&question, &given);
        answer::feedback(&mut term, &question, verdict).map_err(Error::Output)?;
        // The correction stays on screen until a key: wrong 1, a typo 3,
        // right 4, right and easy 5. An input that ends here still keeps
        // the answer given.
        let (help, easy): (&str, fn(&str) -> bool) = match verdict {
            Match::Exact => ("Enter: next · e: that was easy", |k| {
                k.is_empty() || k.eq_ignore_ascii_case("e")
            }),
            _ => ("Enter: next", str::is_empty),
        };
        let key = term.ask(help, easy).map_err(Error::Output)?;
        let quality = match verdict {
            Match::Wrong => Quality::ALL[1],
            Match::Close => Quality::ALL[3],
            Match::Exact if key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("e")) => {
                Quality::ALL[5]
            }
            Match::Exact => Quality::ALL[4],
        };
        let now = clock.now();
        let (at, day) = (now.utc(), now.study_day(user.rollover));
        let ms = u32::try_from((at - shown).num_milliseconds()).ok();
        let save =
            |s: &mut Store| s.record_review(user.id, &item.key, quality, Mode::Quiz, at, day, ms);
        if answer::saved(&mut term, &mut store, save)?.is_none() {
            break;
        }
        outcomes.push(Outcome {
            key: item.key.clone(),
            area_name: item.area_name.clone(),
            quality,
            mode: Mode::Quiz,
        });
        if verdict == Match::Wrong {
            missed.push((question, given));
        }
        if key.is_none() {
            break;
        }
    }
    term.clear().map_err(Error::Output)?;
    let summary = Summary::of(&outcomes);
    let mut out = vec![format!(
        "{} answered, {} right ({}%)",
        plural(summary.cards as u64, "question"),
        summary.recalled,
        percent(summary.recalled, summary.cards)
    )];
    if summary.cards < total {
        out[0].insert_str(0, "Stopped; every answer so far is saved. ");
    }
    if total == 0 {
        out = vec!["No card here can make a question of the kinds asked for.".to_string()];
    }
    out.extend(per_area(&summary, |a| {
        format!("{}/{}", a.recalled, a.cards)
    }));
    if !missed.is_empty() {
        out.push(String::new());
        out.push("Missed:".to_string());
        for (i, (q, given)) in missed.iter().enumerate() {
            out.push(format!("{}. {}", i + 1, q.prompt().replace('\n', " ")));
            out.push(format!(
                "   yours: {} · right: {}",
                answer::described(given, q),
                q.solution()
            ));
        }
    }
    term.say(&out.join("\n")).map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
