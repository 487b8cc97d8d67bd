//! The drill, quiz and exam loops: show the next card or question, ask,
//! hand the answer to the session (which records it before the next one),
//! and say how it went. The sessions decide; these only ask and show.

use chrono::DateTime;

use super::answer::{ask, described, feedback, saved};
use super::{Prompt, Style};
use crate::quiz::Match;
use crate::quiz::exam::percent;
use crate::sched::{Grade, Now, Quality};
use crate::session::{AreaSummary, Ask, Drill, End, ExamEnd, ExamRun, Finished, Quiz, Summary};
use crate::store::Store;
use crate::text::{Align, plural, table};
use crate::{Error, Result};

/// The time, as often as a loop needs it.
pub trait Clock {
    /// Now.
    fn now(&self) -> Now;

    /// An answer was given: a scripted clock moves on.
    fn answered(&self) {}
}

/// The grading scale a drill offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// 1-4: Again, Hard, Good, Easy.
    #[default]
    Buttons,
    /// SM-2's own qualities, 0-5.
    Sm2,
}

impl Scale {
    /// The keys, as a prompt shows them.
    pub fn help(self) -> &'static str {
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

fn output(e: std::io::Error) -> Error {
    Error::Output(e)
}

/// Runs `drill` to its end: every card shown, graded and recorded before
/// the next. The input ending (or Esc, `q`) stops it; every answer so far
/// is kept.
pub fn drill(
    term: &mut dyn Prompt,
    store: &mut dyn Store,
    clock: &dyn Clock,
    drill: &mut Drill,
    scale: Scale,
) -> Result<Finished> {
    term.set_keys_help(&format!(
        "Keys: Enter or Space shows the answer, and accepts a proposed grade\n\
         {}\n\
         a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter",
        scale.help()
    ));
    while let Some(p) = drill.next(clock.now().utc()) {
        let p = p.clone();
        term.clear().map_err(output)?;
        let area = if p.hide_area {
            String::new()
        } else {
            format!(" · {}", p.item.area_name)
        };
        let progress = match p.mode {
            crate::model::Mode::DrillRepeat => format!("repeat · {} left{area}", p.repeats_left),
            _ => format!("{}/{}{area}", p.position, p.total),
        };
        term.say_styled(&progress, Style::Dim).map_err(output)?;
        let shown = clock.now().utc();
        let graded = match &p.ask {
            Ask::Reveal { prompt, answer } => {
                reveal(term, prompt, answer, scale)?.map(|q| (q, false))
            }
            Ask::Question(q) => judged(term, drill, p.id, q, scale)?,
        };
        let Some((quality, ended)) = graded else {
            drill.stop();
            break;
        };
        clock.answered();
        let now = clock.now();
        let ms = response_ms(shown, now);
        let save = || drill_answer(store, drill, p.id, quality, now, ms);
        if saved(term, save)?.is_none() {
            drill.stop();
            break;
        }
        if ended {
            drill.stop();
            break;
        }
    }
    let finished = drill.finish(store, clock.now())?;
    term.clear().map_err(output)?;
    Ok(finished)
}

fn drill_answer(
    store: &mut dyn Store,
    drill: &mut Drill,
    id: u64,
    quality: Quality,
    now: Now,
    ms: Option<u32>,
) -> Result<()> {
    drill.answer(store, id, quality, now, ms).map(|_| ())
}

fn response_ms(shown: DateTime<chrono::Utc>, now: Now) -> Option<u32> {
    u32::try_from((now.utc() - shown).num_milliseconds()).ok()
}

/// A self-graded card: the prompt, Enter to reveal, the answer, a grade.
fn reveal(
    term: &mut dyn Prompt,
    prompt: &str,
    answer: &str,
    scale: Scale,
) -> Result<Option<Quality>> {
    term.say_styled(prompt, Style::Bold).map_err(output)?;
    let show = term
        .ask("Enter: show the answer", &|k| k.is_empty() || k == " ")
        .map_err(output)?;
    if show.is_none() {
        return Ok(None);
    }
    term.say(answer).map_err(output)?;
    let Some(key) = term
        .ask(scale.help(), &|k| scale.parse(k).is_some())
        .map_err(output)?
    else {
        return Ok(None);
    };
    Ok(scale.parse(&key))
}

/// A judged card: the question, the answer, the correction, and the grade
/// proposed (Enter) or chosen; and whether the input ended right after the
/// answer (the proposed grade then stands).
fn judged(
    term: &mut dyn Prompt,
    drill: &Drill,
    id: u64,
    q: &crate::quiz::Question,
    scale: Scale,
) -> Result<Option<(Quality, bool)>> {
    let Some(given) = ask(term, q).map_err(output)? else {
        return Ok(None);
    };
    let (verdict, proposed) = drill.judge(id, &given)?;
    feedback(term, q, verdict).map_err(output)?;
    let help = format!("Enter: {} · or {}", scale.name(proposed), scale.help());
    let key = term
        .ask(&help, &|k| k.is_empty() || scale.parse(k).is_some())
        .map_err(output)?;
    Ok(Some(match key {
        // The answer was given and judged: it is kept.
        None => (proposed, true),
        Some(k) if k.is_empty() => (proposed, false),
        Some(k) => (scale.parse(&k).unwrap_or(proposed), false),
    }))
}

/// What a finished drill says: how it went, per area, what is due
/// tomorrow and the streak. `in_areas`: the drill was limited to areas.
pub fn drill_text(f: &Finished, in_areas: bool) -> String {
    let mut out = Vec::new();
    let s = &f.summary;
    if s.cards + s.repeats == 0 && f.end == Some(End::Finished) {
        if f.no_deck {
            out.push(Error::NoDeck.to_string().replacen("no deck", "No deck", 1));
        } else {
            let here = if in_areas { " in these areas" } else { "" };
            out.push(format!(
                "Nothing to drill right now: no card is due and no new card is left for today{here}."
            ));
        }
    } else {
        let why = match f.end {
            Some(End::Stopped) => "Stopped; every answer so far is saved. ",
            Some(End::TimeUp) => "Time is up. ",
            _ => "",
        };
        let repeats = match s.repeats {
            0 => String::new(),
            n => format!(", {}", plural(n, "repeat")),
        };
        out.push(format!(
            "{why}{} done, {} recalled ({}%){repeats}, in {} min",
            plural(s.cards, "card"),
            s.recalled,
            percent(s.recalled, s.cards),
            f.minutes
        ));
        out.extend(per_area(s, |a| {
            format!("{:>3} done  {:>3} recalled", a.cards, a.recalled)
        }));
    }
    out.push(format!("Due tomorrow: {}", plural(f.due_tomorrow, "card")));
    out.push(format!("Streak: {}", plural(f.streak, "day")));
    out.join("\n")
}

/// A line per area of a summary: its name, aligned, then `cells`.
fn per_area(summary: &Summary, cells: impl Fn(&AreaSummary) -> String) -> Vec<String> {
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

/// Runs `quiz` to its end: each question asked, judged, corrected (the
/// correction stays until a key), and recorded before the next.
pub fn quiz(
    term: &mut dyn Prompt,
    store: &mut dyn Store,
    clock: &dyn Clock,
    quiz: &mut Quiz,
) -> Result<()> {
    term.set_keys_help(
        "Keys: a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter\n\
         After an answer: Enter goes on; e marks a right answer easy",
    );
    while let Some(q) = quiz.next() {
        term.clear().map_err(output)?;
        let progress = if q.hide_area {
            format!("quiz {}/{}", q.position, q.total)
        } else {
            format!("quiz {}/{} · {}", q.position, q.total, q.item.area_name)
        };
        term.say_styled(&progress, Style::Dim).map_err(output)?;
        let shown = clock.now().utc();
        let Some(given) = ask(term, &q.question).map_err(output)? else {
            quiz.stop();
            break;
        };
        clock.answered();
        let verdict = quiz.judge(q.id, given)?;
        feedback(term, &q.question, verdict).map_err(output)?;
        // The correction stays on screen until a key; an input that ends
        // here still keeps the answer given.
        let key = match verdict {
            Match::Exact => term.ask("Enter: next · e: that was easy", &|k| {
                k.is_empty() || k.eq_ignore_ascii_case("e")
            }),
            _ => term.ask("Enter: next", &str::is_empty),
        }
        .map_err(output)?;
        let easy = key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("e"));
        let now = clock.now();
        let ms = response_ms(shown, now);
        let save = || quiz.record(store, q.id, easy, now, ms).map(|_| ());
        if saved(term, save)?.is_none() || key.is_none() {
            quiz.stop();
            break;
        }
    }
    term.clear().map_err(output)?;
    Ok(())
}

/// What a quiz says at its end: how many right, per area, and every
/// question missed.
pub fn quiz_text(quiz: &Quiz) -> String {
    if quiz.total() == 0 {
        return "No card here can make a question of the kinds asked for.".to_string();
    }
    let s = quiz.summary();
    let stopped = if quiz.stopped() {
        "Stopped; every answer so far is saved. "
    } else {
        ""
    };
    let mut out = vec![format!(
        "{stopped}{} answered, {} right ({}%)",
        plural(s.cards, "question"),
        s.recalled,
        percent(s.recalled, s.cards)
    )];
    out.extend(per_area(&s, |a| format!("{}/{}", a.recalled, a.cards)));
    if !quiz.missed().is_empty() {
        out.push(String::new());
        out.push("Missed:".to_string());
        for (i, m) in quiz.missed().iter().enumerate() {
            out.push(format!(
                "{}. {}",
                i + 1,
                m.question.prompt().replace('\n', " ")
            ));
            out.push(format!(
                "   yours: {} · right: {}",
                described(&m.given, &m.question),
                m.question.solution()
            ));
        }
    }
    out.join("\n")
}

/// Runs an exam to its end: each question asked against the countdown (on
/// a terminal it ticks), saved as given, no feedback.
pub fn exam(
    term: &mut dyn Prompt,
    store: &mut dyn Store,
    clock: &(dyn Clock + 'static),
    run: &mut ExamRun,
    ticking: impl Fn() -> Box<dyn Fn() -> chrono::DateTime<chrono::Utc>>,
) -> Result<ExamEnd> {
    if let Some((got, wanted)) = run.asked_fewer() {
        term.say(&fewer(got, wanted)).map_err(output)?;
    }
    term.set_keys_help(
        "Keys: a, b, c...: pick an option · t or f: true or false\n\
         A typed answer: type it, then Enter\n\
         Stopping keeps the attempt as abandoned, not scored",
    );
    let deadline = run.deadline();
    while let Some(p) = run.next(clock.now().utc()) {
        term.clear().map_err(output)?;
        // The countdown: drawn now, and kept up to date on a terminal.
        let (n, total) = (p.position, p.total);
        let now = ticking();
        let countdown = move || {
            let remaining = deadline - now();
            // Whole seconds, rounded up: 0:00 only when time is up.
            let ms = remaining.num_milliseconds().max(0);
            let left = (ms + 999) / 1000;
            let text = format!("question {n}/{total} · {}:{:02} left", left / 60, left % 60);
            (text, ms == 0)
        };
        term.say_styled(&countdown().0, Style::Dim)
            .map_err(output)?;
        term.set_ticker(Some(Box::new(countdown)));
        let shown = clock.now().utc();
        let asked = ask(term, &p.question.question).map_err(output)?;
        term.set_ticker(None);
        clock.answered();
        let Some(given) = asked else {
            // Time ran out at the prompt, or the learner stopped.
            if run.next(clock.now().utc()).is_some() {
                run.stop();
            }
            break;
        };
        let now = clock.now();
        let ms = response_ms(shown, now);
        let mut late = false;
        let save = || {
            run.answer(store, p.id, given.clone(), now, ms)
                .map(|v| late = v.is_none())
        };
        if saved(term, save)?.is_none() {
            run.stop();
            break;
        }
        if late {
            break;
        }
    }
    let end = run.finish(store, clock.now())?;
    term.clear().map_err(output)?;
    Ok(end)
}

fn fewer(got: usize, wanted: usize) -> String {
    format!(
        "Only {} of the {wanted} asked for: the deck has no more cards to ask about.",
        plural(got, "question")
    )
}

/// What an exam says at its end: what was missed, then each area weakest
/// first, then the verdict, last, so it stays on screen however long the
/// list of misses is.
pub fn exam_text(end: &ExamEnd, asked_fewer: Option<(usize, usize)>) -> String {
    let r = match end {
        ExamEnd::NotRecorded { why } => return format!("No exam recorded: {why}."),
        ExamEnd::Abandoned { answered } => {
            return format!(
                "Stopped after {}: the attempt is kept as abandoned and not scored \
                 (`recall exam --history` lists it).",
                plural(*answered, "answer")
            );
        }
        ExamEnd::Scored(r) => r,
    };
    let mut out = Vec::new();
    if let Some((got, wanted)) = asked_fewer {
        out.push(fewer(got, wanted));
        out.push(String::new());
    }
    if !r.missed.is_empty() {
        out.push("Missed:".to_string());
        for m in &r.missed {
            out.push(format!("{}. {}", m.position, m.prompt));
            out.push(format!(
                "   yours: {} · right: {}",
                m.given.as_deref().unwrap_or("no answer"),
                m.solution
            ));
        }
        out.push(String::new());
    }
    let rows: Vec<Vec<String>> = r
        .areas
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
    if r.timed_out {
        out.push(format!(
            "Time ran out: {} unanswered, counted wrong.",
            plural(r.unanswered, "question")
        ));
    }
    let verdict = if r.passed { "PASS" } else { "FAIL" };
    out.push(format!(
        "Score: {}/{} ({}%) · {verdict} (pass mark {}%) · {} min",
        r.correct, r.total, r.score, r.pass_mark, r.minutes
    ));
    out.join("\n")
}
