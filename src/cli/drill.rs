//! `recall drill`: today's due cards, then new ones, each answered and
//! committed before the next appears; then SM-2's repeats; then a summary.

use std::collections::HashSet;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::Context;
use super::answer;
use crate::deck::{Content, cloze};
use crate::quiz::exam::{judge, percent};
use crate::quiz::{Match, Question, card_names_area};
use crate::sched::{Grade, Quality, StudyDay};
use crate::session::{
    Allowance, AreaSummary, End, Item, Session, Summary, plan_after, sibling_key,
};
use crate::store::{Access, CardKey, Mode, Store, User};
use crate::term::{Style, Terminal, plural};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct DrillArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Only these areas (repeat the flag for several).
    #[arg(long = "area", value_name = "ID")]
    areas: Vec<String>,
    /// At most this many cards in this session.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// End the session at the next card once this many minutes have passed.
    #[arg(long, value_name = "M")]
    minutes: Option<u32>,
    /// New cards for this session, instead of what is left of the day's
    /// allowance.
    #[arg(long, value_name = "N")]
    new: Option<usize>,
    /// The grading scale: buttons (1-4: Again, Hard, Good, Easy) or sm2
    /// (qualities 0-5).
    #[arg(long, value_enum, default_value = "buttons")]
    grades: Scale,
    /// Fixes the order of cards due on the same day (default: one order
    /// per user and day).
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Scale {
    Buttons,
    Sm2,
}

impl Scale {
    fn help(self) -> &'static str {
        match self {
            Scale::Buttons => "1 Again · 2 Hard · 3 Good · 4 Easy",
            Scale::Sm2 => {
                "0-5: 0 blackout · 1 wrong, remembered · 2 wrong, easy to recall · 3 hard · 4 hesitant · 5 perfect"
            }
        }
    }

    fn parse(self, key: &str) -> Option<Quality> {
        match self {
            Scale::Buttons => key.parse::<Grade>().ok().map(Grade::quality),
            Scale::Sm2 => key.parse().ok(),
        }
    }

    /// How a quality reads on this scale.
    fn name(self, q: Quality) -> String {
        match (self, Grade::ALL.iter().find(|g| g.quality() == q)) {
            (Scale::Buttons, Some(g)) => g.name().to_string(),
            _ => format!("quality {q}"),
        }
    }
}

pub(super) fn run(ctx: &Context, args: &DrillArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    store.set_patience(answer::PATIENCE)?;
    let mut term = Terminal::open().map_err(Error::Output)?;
    term.set_keys_help(&format!(
        "Keys: Enter or Space shows the answer, and accepts a proposed grade\n\
         {}\n\
         a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter",
        args.grades.help()
    ));
    if store.added_user() {
        let db = store.path().display().to_string();
        say(
            &mut term,
            &format!("New learner {}: every answer is kept in {db}", user.name),
        )?;
    }
    let start = clock.now();
    let today = start.study_day(user.rollover);
    let items = study_items(&store, &user, args.deck.as_deref(), &args.areas)?;
    let counts = store.day_counts(user.id, today)?;
    let allowance = Allowance {
        reviews: (user.reviews_per_day as usize).saturating_sub(counts.reviews),
        new: args
            .new
            .unwrap_or_else(|| (user.new_per_day as usize).saturating_sub(counts.new)),
        limit: args.limit,
    };
    let seed = args.seed.unwrap_or_else(|| day_seed(&user.name, today));
    // Repeats a drill stopped earlier today still owes come back too.
    let owed: Vec<Item> = store
        .owed_repeats(user.id, today)?
        .iter()
        .filter_map(|key| items.iter().find(|i| i.key == *key).cloned())
        .collect();
    // Siblings of what was answered earlier today wait for another day.
    let answered: HashSet<CardKey> = store.answered_on(user.id, today)?.into_iter().collect();
    let earlier: HashSet<(String, String)> = items
        .iter()
        .filter(|i| answered.contains(&i.key))
        .filter_map(sibling_key)
        .collect();
    let queue = plan_after(items, today, allowance, seed, &earlier);
    let mut session = Session::new(queue, start.utc(), args.minutes).with_repeats(owed);
    let mut rng = StdRng::seed_from_u64(seed);
    while let Some(current) = session.next(clock.now().utc()) {
        let (item, mode) = (current.item.clone(), current.mode);
        term.clear().map_err(Error::Output)?;
        // The area, unless it would give the answer away.
        let area = if card_names_area(&item.card, &item.area_name) {
            String::new()
        } else {
            format!(" · {}", item.area_name)
        };
        let progress = if mode == Mode::DrillRepeat {
            format!("repeat · {} left{area}", current.repeats_left)
        } else {
            format!("{}/{}{area}", current.position, current.total)
        };
        term.say_styled(&progress, Style::Dim)
            .map_err(Error::Output)?;
        let shown = clock.now().utc();
        let Some((quality, ended)) =
            ask(&mut term, &item, args.grades, &mut rng).map_err(Error::Output)?
        else {
            session.stop();
            break;
        };
        clock.answered();
        // The study day is the answer's own: a drill that runs past the
        // rollover hour logs what comes after it to the new day.
        let now = clock.now();
        let (at, day) = (now.utc(), now.study_day(user.rollover));
        let ms = u32::try_from((at - shown).num_milliseconds()).ok();
        let save = |s: &mut Store| s.record_review(user.id, &item.key, quality, mode, at, day, ms);
        if answer::saved(&mut term, &mut store, save)?.is_none() {
            session.stop();
            break;
        }
        session.answer(quality);
        if ended {
            session.stop();
            break;
        }
    }
    let end = clock.now();
    let summary = Summary::of(session.outcomes());
    // A drill counts for the streak when it went through what it had (or
    // its --minutes) and had something to drill.
    let went_through = matches!(session.end(), Some(End::Finished | End::TimeUp));
    let finished = went_through && !session.outcomes().is_empty();
    store.record_session(
        user.id,
        today,
        start.utc(),
        end.utc(),
        summary.cards,
        finished,
    )?;
    let minutes = (end.utc() - start.utc()).num_minutes();
    report(
        &mut term,
        &store,
        &user,
        args,
        end.study_day(user.rollover),
        &summary,
        session.end(),
        minutes,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn say(term: &mut Terminal, text: &str) -> Result<()> {
    term.say(text).map_err(Error::Output)
}

/// The active cards of the chosen deck and areas, with the user's state;
/// an unknown deck or area is an error naming what there is.
pub(super) fn study_items(
    store: &Store,
    user: &User,
    deck: Option<&str>,
    areas: &[String],
) -> Result<Vec<Item>> {
    if let Some(deck) = deck {
        if store.deck_version(deck)?.is_none() {
            return Err(Error::UnknownDeck(deck.to_string()));
        }
    }
    let cards = store.study_cards(user.id, deck)?;
    let known: HashSet<&str> = cards.iter().map(|c| c.card.area.as_str()).collect();
    if let Some(area) = areas.iter().find(|a| !known.contains(a.as_str())) {
        let mut ids: Vec<&str> = known.into_iter().collect();
        ids.sort_unstable();
        let within = deck.map_or("the installed decks".to_string(), |d| format!("deck {d}"));
        return Err(Error::Usage(format!(
            "no area {area:?} in {within} (areas: {})",
            ids.join(", ")
        )));
    }
    Ok(cards
        .into_iter()
        .filter(|c| areas.is_empty() || areas.contains(&c.card.area))
        .collect())
}

/// What a learner with no deck installed is told.
pub(super) const NO_DECK: &str = "No deck is installed: `recall deck add --builtin` puts back the \
     built-in deck, and `recall deck add FILE` installs another.";

/// One order of same-day cards per user and day, when no seed is given.
pub(super) fn day_seed(user: &str, day: StudyDay) -> u64 {
    crate::deck::import::fnv1a(format!("{user}/{day}").as_bytes())
}

/// Shows one card and takes its grade, and whether the input ended right
/// after the answer (the proposed grade then stands); `None` when the input
/// ends before an answer.
fn ask(
    term: &mut Terminal,
    item: &Item,
    scale: Scale,
    rng: &mut StdRng,
) -> std::io::Result<Option<(Quality, bool)>> {
    let question = match &item.card.content {
        Content::Basic { front, back } => {
            let q = reveal_and_grade(term, front, back, scale)?;
            return Ok(q.map(|q| (q, false)));
        }
        Content::Cloze { text, .. } => {
            let segments = cloze::parse(text).unwrap_or_default();
            let (prompt, filled) = (cloze::prompt(&segments), cloze::filled(&segments));
            let q = reveal_and_grade(term, &prompt, &filled, scale)?;
            return Ok(q.map(|q| (q, false)));
        }
        // Options in a new order each time the card is shown.
        _ => match Question::of_card(&item.card) {
            Some(q) => q.shuffled(rng),
            None => return Ok(None),
        },
    };
    let Some(given) = answer::ask(term, &question)? else {
        return Ok(None);
    };
    let verdict = judge(&question, &given);
    answer::feedback(term, &question, verdict)?;
    // Right is Good, a typo Hard, wrong Again; the learner may differ.
    let proposed = Quality::ALL[match verdict {
        Match::Exact => 4,
        Match::Close => 3,
        Match::Wrong => 1,
    }];
    let help = format!("Enter: {} · or {}", scale.name(proposed), scale.help());
    let Some(key) = term.ask(&help, |k| k.is_empty() || scale.parse(k).is_some())? else {
        // The answer was given and judged: it is kept.
        return Ok(Some((proposed, true)));
    };
    let quality = if key.is_empty() {
        proposed
    } else {
        scale.parse(&key).unwrap_or(proposed)
    };
    Ok(Some((quality, false)))
}

/// A self-graded card: the prompt, Enter to reveal, the answer, a grade.
fn reveal_and_grade(
    term: &mut Terminal,
    prompt: &str,
    answer: &str,
    scale: Scale,
) -> std::io::Result<Option<Quality>> {
    term.say_styled(prompt, Style::Bold)?;
    if term
        .ask("Enter: show the answer", |k| k.is_empty() || k == " ")?
        .is_none()
    {
        return Ok(None);
    }
    term.say(answer)?;
    let Some(key) = term.ask(scale.help(), |k| scale.parse(k).is_some())? else {
        return Ok(None);
    };
    Ok(scale.parse(&key))
}

#[allow(clippy::too_many_arguments)]
fn report(
    term: &mut Terminal,
    store: &Store,
    user: &User,
    args: &DrillArgs,
    today: StudyDay,
    summary: &Summary,
    end: Option<End>,
    minutes: i64,
) -> Result<()> {
    term.clear().map_err(Error::Output)?;
    let mut out = Vec::new();
    if summary.cards + summary.repeats == 0 && end == Some(End::Finished) {
        let here = if args.areas.is_empty() {
            ""
        } else {
            " in these areas"
        };
        if store.decks(None, today)?.is_empty() {
            out.push(NO_DECK.to_string());
        } else {
            out.push(format!(
                "Nothing to drill right now: no card is due and no new card is left for today{here}."
            ));
        }
    } else {
        let share = percent(summary.recalled, summary.cards);
        let why = match end {
            Some(End::Stopped) => "Stopped; every answer so far is saved. ",
            Some(End::TimeUp) => "Time is up. ",
            _ => "",
        };
        let repeats = match summary.repeats {
            0 => String::new(),
            n => format!(", {}", plural(n as u64, "repeat")),
        };
        out.push(format!(
            "{why}{} done, {} recalled ({share}%){repeats}, in {minutes} min",
            plural(summary.cards as u64, "card"),
            summary.recalled,
        ));
        out.extend(per_area(summary, |a| {
            format!("{:>3} done  {:>3} recalled", a.cards, a.recalled)
        }));
    }
    let tomorrow = today.plus_days(1);
    let due = study_items(store, user, args.deck.as_deref(), &args.areas)?
        .iter()
        .filter(|c| c.state.due.is_some_and(|d| d <= tomorrow))
        .count();
    out.push(format!("Due tomorrow: {}", plural(due as u64, "card")));
    let streak = store.streak(user.id, today)?;
    out.push(format!("Streak: {}", plural(u64::from(streak), "day")));
    say(term, &out.join("\n"))
}

/// A line per area of a summary: its name, aligned, then `cells`.
pub(super) fn per_area(summary: &Summary, cells: impl Fn(&AreaSummary) -> String) -> Vec<String> {
    let width = summary
        .areas
        .iter()
        .map(|a| a.area.chars().count())
        .max()
        .unwrap_or(0);
    summary
        .areas
        .iter()
        .map(|a| format!("  {:width$}  {}", a.area, cells(a)))
        .collect()
}
