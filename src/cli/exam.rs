//! `recall exam`: a timed mock exam, scored by skill area, that never
//! changes a card's schedule; `--history` shows past attempts.

use std::process::ExitCode;

use chrono::Duration;
use clap::Args;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::Context;
use super::answer;
use super::drill::{day_seed, study_items};
use super::quiz::Pools;
use crate::quiz::exam::{Exam, ExamQuestion, allocate, percent};
use crate::quiz::{Form, Match, build};
use crate::sched::Quality;
use crate::session::Item;
use crate::store::{Access, ExamAnswer, ExamRecord, ExamStart, GivenAnswer, Store, User};
use crate::term::{Align, Style, Terminal, plural, table};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ExamArgs {
    /// The deck to be examined on (needed when several are installed).
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// How many questions.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..))]
    questions: u64,
    /// Time allowed [default: one minute a question]
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u32).range(1..))]
    minutes: Option<u32>,
    /// The score needed to pass, in percent.
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u32).range(0..=100))]
    pass_mark: u32,
    /// Fixes the questions and their order (default: one per user and day).
    #[arg(long)]
    seed: Option<u64>,
    /// List past attempts with the score trend per area instead.
    #[arg(long)]
    history: bool,
}

/// The questions of an exam on `deck`: each area's share of `n` by weight,
/// cards drawn by the seeded rng, every question graded automatically.
pub(super) fn assemble(
    items: Vec<Item>,
    areas: &[(String, Option<f64>)],
    n: usize,
    seed: u64,
) -> Vec<ExamQuestion> {
    let pools = Pools::new(&items);
    let mut rng = StdRng::seed_from_u64(seed);
    let forms = [Form::Choice, Form::TrueFalse, Form::Typed, Form::Cloze];
    let by_area: Vec<Vec<&Item>> = areas
        .iter()
        .map(|(id, _)| items.iter().filter(|i| i.card.area == *id).collect())
        .collect();
    let weights: Vec<f64> = areas.iter().map(|(_, w)| w.unwrap_or(1.0)).collect();
    let available: Vec<usize> = by_area.iter().map(Vec::len).collect();
    let counts = allocate(&weights, &available, n);
    let mut out = Vec::new();
    for (mut cards, count) in by_area.into_iter().zip(counts) {
        cards.shuffle(&mut rng);
        let mut taken = 0;
        for item in cards {
            if taken == count {
                break;
            }
            let pool = pools.pool(&item.key.deck);
            if let Some(question) = build(&item.card, &pool, &forms, &mut rng) {
                out.push(ExamQuestion {
                    key: item.key.clone(),
                    area: item.card.area.clone(),
                    area_name: item.area_name.clone(),
                    question,
                });
                taken += 1;
            }
        }
    }
    out.shuffle(&mut rng);
    out
}

pub(super) fn run(ctx: &Context, args: &ExamArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    if args.history {
        let (store, user) = ctx.learner(Access::ReadOnly)?;
        return history(&store, &user);
    }
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    let deck = match &args.deck {
        Some(d) => d.clone(),
        None => {
            let today = clock.now().study_day(user.rollover);
            let decks = store.decks(None, today)?;
            match decks.as_slice() {
                [one] => one.id.clone(),
                [] => return Err(Error::Usage(super::drill::NO_DECK.to_string())),
                _ => {
                    return Err(Error::Usage(
                        "several decks are installed: choose one with --deck ID".to_string(),
                    ));
                }
            }
        }
    };
    let start = clock.now();
    let today = start.study_day(user.rollover);
    let installed = store
        .installed_deck(&deck, None, today)?
        .ok_or_else(|| Error::UnknownDeck(deck.clone()))?;
    let areas: Vec<(String, Option<f64>)> = installed
        .areas
        .iter()
        .map(|(a, _)| (a.id.clone(), a.weight))
        .collect();
    let seed = args.seed.unwrap_or_else(|| day_seed(&user.name, today));
    let items = study_items(&store, &user, Some(&deck), &[])?;
    let wanted = usize::try_from(args.questions).unwrap_or(usize::MAX);
    let questions = assemble(items, &areas, wanted, seed);
    let short = (questions.len() < wanted && !questions.is_empty()).then(|| {
        format!(
            "Only {} of the {wanted} asked for: the deck has no more cards to ask about.",
            plural(questions.len() as u64, "question")
        )
    });
    let minutes = args
        .minutes
        .unwrap_or(u32::try_from(questions.len()).unwrap_or(u32::MAX));
    let deadline = start.utc() + Duration::minutes(i64::from(minutes));
    let mut exam = Exam::new(questions, Some(deadline));
    let attempt = ExamStart {
        deck: deck.clone(),
        started: start.utc(),
        seed,
        pass_mark: args.pass_mark,
        questions: exam.questions().len(),
    };
    let mut recorded: Option<i64> = None;
    let mut stopped = false;
    let mut term = Terminal::open().map_err(Error::Output)?;
    if let Some(short) = &short {
        term.say(short).map_err(Error::Output)?;
    }
    term.set_keys_help(
        "Keys: a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter\n\
         Stopping keeps the attempt as abandoned, not scored",
    );
    store.set_patience(answer::PATIENCE)?;
    let total = exam.questions().len();
    while let Some(i) = exam.next(clock.now().utc()) {
        let q = exam.questions()[i].clone();
        term.clear().map_err(Error::Output)?;
        // The countdown: drawn now, and kept up to date on a terminal.
        let n = i + 1;
        let ticking = clock.clone();
        let countdown = move || {
            let remaining = deadline - ticking.now().utc();
            // Whole seconds, rounded up: 0:00 only when time is up.
            let ms = remaining.num_milliseconds().max(0);
            let left = (ms + 999) / 1000;
            let text = format!("question {n}/{total} · {}:{:02} left", left / 60, left % 60);
            (text, ms == 0)
        };
        term.say_styled(&countdown().0, Style::Dim)
            .map_err(Error::Output)?;
        term.set_ticker(Some(Box::new(countdown)));
        let shown = clock.now().utc();
        let asked = answer::ask(&mut term, &q.question).map_err(Error::Output)?;
        term.set_ticker(None);
        clock.answered();
        let Some(given) = asked else {
            // Time ran out at the prompt, or the learner stopped.
            if exam.next(clock.now().utc()).is_some() {
                exam.stop();
                stopped = true;
            }
            break;
        };
        let now = clock.now();
        let at = now.utc();
        let described = given.describe(&q.question);
        let Some(verdict) = exam.answer(given, at) else {
            break;
        };
        // An exam answer is logged, never rescheduled.
        let quality = Quality::ALL[if verdict == Match::Wrong { 1 } else { 4 }];
        let given = GivenAnswer {
            position: i,
            answer: ExamAnswer {
                card: q.key.card.clone(),
                area: q.area.clone(),
                area_name: q.area_name.clone(),
                question: q.question.prompt().to_string(),
                solution: q.question.solution(),
                given: Some(described),
                correct: verdict != Match::Wrong,
            },
            card: q.key.clone(),
            quality,
            at,
            day: now.study_day(user.rollover),
            response_ms: u32::try_from((at - shown).num_milliseconds()).ok(),
        };
        let save = |s: &mut Store| s.record_exam_answer(user.id, recorded, &attempt, &given);
        match answer::saved(&mut term, &mut store, save)? {
            Some((id, _)) => recorded = Some(id),
            None => {
                exam.stop();
                stopped = true;
                break;
            }
        }
    }
    let end = clock.now().utc();
    term.clear().map_err(Error::Output)?;
    let unanswered = |exam: &Exam| -> Vec<(usize, ExamAnswer)> {
        exam.questions()
            .iter()
            .zip(exam.answers())
            .enumerate()
            .filter(|(_, (_, a))| a.is_none())
            .map(|(i, (q, _))| {
                let answer = ExamAnswer {
                    card: q.key.card.clone(),
                    area: q.area.clone(),
                    area_name: q.area_name.clone(),
                    question: q.question.prompt().to_string(),
                    solution: q.question.solution(),
                    given: None,
                    correct: false,
                };
                (i, answer)
            })
            .collect()
    };
    match recorded {
        Some(_) if stopped => {
            let answered = plural(exam.answered() as u64, "answer");
            term.say(&format!(
                "Stopped after {answered}: the attempt is kept as abandoned and not scored \
                 (`recall exam --history` lists it)."
            ))
            .map_err(Error::Output)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(id) => store.finish_exam(id, end, exam.timed_out(), &unanswered(&exam))?,
        None if exam.timed_out() && total > 0 => {
            let record = ExamRecord {
                deck: deck.clone(),
                started: start.utc(),
                ended: end,
                seed,
                pass_mark: args.pass_mark,
                timed_out: true,
                answers: unanswered(&exam).into_iter().map(|(_, a)| a).collect(),
            };
            store.record_exam(user.id, &record)?;
        }
        None => {
            let why = if total == 0 {
                "this deck has no card to ask about"
            } else {
                "no question was answered"
            };
            term.say(&format!("No exam recorded: {why}."))
                .map_err(Error::Output)?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    let minutes = (end - start.utc()).num_minutes();
    let mut text = report(&exam, args.pass_mark, minutes);
    if let Some(short) = &short {
        text.insert_str(0, &format!("{short}\n\n"));
    }
    term.say(&text).map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}

/// What was missed, then each area weakest first, then the verdict: the
/// score and pass or fail come last, so they stay on screen however long
/// the list of misses is.
fn report(exam: &Exam, pass_mark: u32, minutes: i64) -> String {
    let (correct, total) = exam.score();
    let mut out = Vec::new();
    let missed: Vec<usize> = (0..total).filter(|i| !exam.correct(*i)).collect();
    if !missed.is_empty() {
        out.push("Missed:".to_string());
        for i in missed {
            let q = &exam.questions()[i];
            let given = exam.answers()[i]
                .as_ref()
                .map_or("no answer".to_string(), |(g, _)| g.describe(&q.question));
            out.push(format!(
                "{}. {}",
                i + 1,
                q.question.prompt().replace('\n', " ")
            ));
            out.push(format!(
                "   yours: {given} · right: {}",
                q.question.solution()
            ));
        }
        out.push(String::new());
    }
    let rows: Vec<Vec<String>> = exam
        .areas()
        .iter()
        .map(|a| {
            vec![
                a.area_name.clone(),
                format!("{}/{}", a.correct, a.total),
                format!("{}%", a.percent()),
            ]
        })
        .collect();
    out.push(
        table(
            &["area (weakest first)", "right", "score"],
            &Align::columns("lrr"),
            &rows,
        )
        .trim_end()
        .to_string(),
    );
    out.push(String::new());
    if exam.timed_out() {
        let unanswered = plural((total - exam.answered()) as u64, "question");
        out.push(format!(
            "Time ran out: {unanswered} unanswered, counted wrong."
        ));
    }
    let score = percent(correct, total);
    let verdict = if passed(score, pass_mark) {
        "PASS"
    } else {
        "FAIL"
    };
    out.push(format!(
        "Score: {correct}/{total} ({score}%) · {verdict} (pass mark {pass_mark}%) · {minutes} min"
    ));
    out.join("\n")
}

/// Whether a score in percent reaches the pass mark.
fn passed(score: usize, pass_mark: u32) -> bool {
    score >= pass_mark as usize
}

fn history(store: &Store, user: &User) -> Result<ExitCode> {
    let attempts = store.exams(user.id)?;
    if attempts.is_empty() {
        outln!("No exam yet: `recall exam` starts one.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = attempts
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let score = percent(a.correct, a.questions);
            let (right, score, verdict) = match (a.finished, passed(score, a.pass_mark)) {
                (false, _) => ("-".to_string(), "-".to_string(), "abandoned"),
                (true, pass) => (
                    format!("{}/{}", a.correct, a.questions),
                    format!("{score}%"),
                    if pass { "pass" } else { "fail" },
                ),
            };
            vec![
                (n + 1).to_string(),
                a.started_at.get(..10).unwrap_or(&a.started_at).to_string(),
                a.deck.clone(),
                right,
                score,
                verdict.to_string(),
                format!("{} min", a.minutes),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            &["#", "date", "deck", "right", "score", "result", "time"],
            &Align::columns("rllrrlr"),
            &rows
        )
    )?;
    // Each area's score in every scored attempt that asked about it, oldest
    // first, with the questions behind it; the weakest area (by its latest
    // score) first, ties by name.
    let mut trend: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for a in attempts.iter().filter(|a| a.finished) {
        for (_, name, correct, total) in &a.areas {
            match trend.iter_mut().find(|(n, _)| n == name) {
                Some((_, scores)) => scores.push((*correct, *total)),
                None => trend.push((name.clone(), vec![(*correct, *total)])),
            }
        }
    }
    if trend.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    trend.sort_by(|(a, x), (b, y)| {
        let (xc, xt) = x.last().copied().unwrap_or((0, 1));
        let (yc, yt) = y.last().copied().unwrap_or((0, 1));
        (xc * yt).cmp(&(yc * xt)).then_with(|| a.cmp(b))
    });
    outln!("\nScore per area, weakest first (oldest attempt first in each row):")?;
    let width = trend
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    for (name, scores) in trend {
        let scores: Vec<String> = scores
            .iter()
            .map(|(c, t)| format!("{}% ({c}/{t})", percent(*c, *t)))
            .collect();
        outln!("  {name:width$}  {}", scores.join(" → "))?;
    }
    Ok(ExitCode::SUCCESS)
}
