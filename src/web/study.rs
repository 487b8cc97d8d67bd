//! The drill in the browser, and what the quiz and the exam share with
//! it: a question as a form, the answer read back from one, and the
//! correction.
//!
//! `GET /drill` shows the current card (or the summary once the drill is
//! over); a basic or cloze card's answer is shown by `GET /drill?show=ID`,
//! which changes nothing. A judged card's answer is posted to
//! `/drill/check` (judged, nothing recorded); every grade to
//! `/drill/grade`, which records it before the next card is sent.

use axum::extract::Query;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{page as frame, token};
use super::{Desk, DrillPage, Fields, Inner, WebError, response_ms, see_other};
use crate::model::Match;
use crate::quiz::Question;
use crate::quiz::exam::Given;
use crate::sched::{Grade, Now, Quality};
use crate::session::{Ask, Drill, DrillOptions, End, Finished, Presentation};

/// A judged card's answer, shown with its correction until it is graded.
pub struct Judged {
    id: u64,
    given: String,
    verdict: Match,
    proposed: Quality,
}

/// The drill page's query.
#[derive(Debug, Deserialize)]
pub struct Show {
    show: Option<String>,
}

/// `GET /drill`.
pub async fn page(
    app: Desk,
    query: Result<Query<Show>, axum::extract::rejection::QueryRejection>,
) -> Result<Markup, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let show = match query.show.as_deref() {
        None => None,
        Some(s) => Some(
            s.parse::<u64>()
                .map_err(|_| WebError::bad_request("show must name a card by its number"))?,
        ),
    };
    let tok = app.token().to_string();
    let nav = app.nav();
    app.with(move |inner, config| {
        Ok(frame(
            &nav,
            "Drill",
            "/drill",
            render(inner, &tok, (config.clock)(), show)?,
        ))
    })
    .await
}

/// `POST /drill/start`: a new drill (or back to the one under way).
pub async fn start(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let limit = fields.optional("limit", 1, 1000)?;
    app.with(move |inner, config| {
        if inner.drill.as_ref().is_some_and(|d| d.finished.is_none()) {
            return Ok(see_other("/drill"));
        }
        let now = (config.clock)();
        let user = inner
            .store
            .user(&inner.user.name)?
            .unwrap_or(inner.user.clone());
        inner.user = user.clone();
        let options = DrillOptions {
            limit: limit.and_then(|n| usize::try_from(n).ok()),
            ..DrillOptions::default()
        };
        let drill = Drill::start(&*inner.store, user, options, now)?;
        inner.runs += 1;
        inner.drill = Some(DrillPage {
            run: inner.runs,
            drill,
            judged: None,
            shown: None,
            finished: None,
        });
        Ok(see_other("/drill"))
    })
    .await
}

/// `POST /drill/check`: a judged card's answer, judged and shown with its
/// correction and a proposed grade; nothing is recorded yet.
pub async fn check(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let (run, id) = answering(&fields)?;
    let tok = app.token().to_string();
    app.with(move |inner, config| {
        let now = (config.clock)();
        let this_run = inner.drill.as_ref().is_some_and(|d| d.run == run);
        let current = current(inner, now)?;
        let Some(p) = current.filter(|p| p.id == id && this_run) else {
            return Err(stale(inner, &tok, now));
        };
        let Ask::Question(q) = &p.ask else {
            return Err(WebError::bad_request(
                "this card is graded by the learner, not judged",
            ));
        };
        let given = match given(q, &fields) {
            Ok(given) => given,
            Err(e) => return Err(e.above(render(inner, &tok, now, None)?)),
        };
        let page = inner.drill.as_mut().ok_or_else(no_drill)?;
        let (verdict, proposed) = page.drill.judge(id, &given)?;
        page.judged = Some(Judged {
            id,
            given: described(&given, q),
            verdict,
            proposed,
        });
        Ok(see_other("/drill"))
    })
    .await
}

/// `POST /drill/grade`: the grade of the card shown, recorded before the
/// next card is sent.
pub async fn grade(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let (run, id) = answering(&fields)?;
    let grade = fields.number("grade", 1, 4)?;
    let quality = Grade::ALL[usize::try_from(grade - 1).unwrap_or(0)].quality();
    let tok = app.token().to_string();
    app.with(move |inner, config| {
        let now = (config.clock)();
        let this_run = inner.drill.as_ref().is_some_and(|d| d.run == run);
        let current = current(inner, now)?;
        let Some(p) = current.filter(|p| p.id == id && this_run) else {
            return Err(stale(inner, &tok, now));
        };
        let page = inner.drill.as_mut().ok_or_else(no_drill)?;
        if matches!(p.ask, Ask::Question(_)) && page.judged.as_ref().is_none_or(|j| j.id != id) {
            return Err(
                WebError::bad_request("answer the question before grading it")
                    .above(render(inner, &tok, now, None)?),
            );
        }
        let ms = response_ms(page.shown, id, now);
        match page.drill.answer(&mut *inner.store, id, quality, now, ms) {
            Ok(_) => {}
            Err(crate::Error::Stale) => return Err(stale(inner, &tok, now)),
            Err(e) => return Err(e.into()),
        }
        page.judged = None;
        Ok(see_other("/drill"))
    })
    .await
}

/// `POST /drill/stop`: ends the drill; every answer so far is kept.
pub async fn stop(app: Desk, _fields: Fields) -> Result<Response, WebError> {
    app.with(move |inner, config| {
        let now = (config.clock)();
        if let Some(page) = inner.drill.as_mut().filter(|p| p.finished.is_none()) {
            page.drill.stop();
            page.finished = Some(page.drill.finish(&mut *inner.store, now)?);
        }
        Ok(see_other("/drill"))
    })
    .await
}

fn no_drill() -> WebError {
    WebError::bad_request("no drill is under way: start one from Today")
}

/// The card to show now, or `None` once the drill is over (then finished
/// and recorded for the streak).
fn current(inner: &mut Inner, now: Now) -> Result<Option<Presentation>, WebError> {
    let Some(page) = inner.drill.as_mut() else {
        return Ok(None);
    };
    if page.finished.is_some() {
        return Ok(None);
    }
    if let Some(p) = page.drill.next(now.utc()).cloned() {
        if page.shown.is_none_or(|(id, _)| id != p.id) {
            page.shown = Some((p.id, now.utc()));
        }
        return Ok(Some(p));
    }
    page.finished = Some(page.drill.finish(&mut *inner.store, now)?);
    Ok(None)
}

/// A refused answer to a card no longer shown: the card now, under the
/// reason.
fn stale(inner: &mut Inner, tok: &str, now: Now) -> WebError {
    let error = WebError::from(crate::Error::Stale);
    match render(inner, tok, now, None) {
        Ok(page) => error.above(page),
        Err(e) => e,
    }
}

/// The drill page's content: the current card, or the summary.
fn render(inner: &mut Inner, tok: &str, now: Now, show: Option<u64>) -> Result<Markup, WebError> {
    let Some(p) = current(inner, now)? else {
        let content = match inner.drill.as_ref().and_then(|d| d.finished.as_ref()) {
            Some(finished) => summary(finished),
            None => html! {
                h1 { "Drill" }
                p { "No drill is under way." }
                form method="post" action="/drill/start" {
                    (token(tok))
                    button type="submit" data-key="space" { "Start the drill" }
                }
            },
        };
        return Ok(content);
    };
    let run = inner.drill.as_ref().map_or(0, |d| d.run);
    let judged = inner
        .drill
        .as_ref()
        .and_then(|d| d.judged.as_ref())
        .filter(|j| j.id == p.id);
    let area = if p.hide_area {
        String::new()
    } else {
        format!(" · {}", p.item.area_name)
    };
    let progress = if p.mode == crate::model::Mode::DrillRepeat {
        format!("repeat · {} left{area}", p.repeats_left)
    } else {
        format!("{}/{}{area}", p.position, p.total)
    };
    let content = html! {
        h1 { "Drill" }
        p.progress aria-live="polite" { (progress) }
        div.card {
            @match &p.ask {
                Ask::Reveal { prompt, answer } => {
                    p.prompt { (prompt) }
                    @if show == Some(p.id) {
                        p.answer { (answer) }
                        (grades(tok, run, p.id, None))
                    } @else {
                        p { a.button href={ "/drill?show=" (p.id) } data-key="space" { "Show the answer" } }
                    }
                }
                Ask::Question(q) => {
                    @if let Some(j) = judged {
                        p.prompt { (q.prompt()) }
                        (feedback(q, &j.given, j.verdict))
                        (grades(tok, run, p.id, Some(j.proposed)))
                    } @else {
                        (question_form(q, "/drill/check", (run, p.id), tok, html! {}))
                    }
                }
            }
        }
        form method="post" action="/drill/stop" {
            (token(tok))
            button.secondary type="submit" { "Stop (every answer so far is kept)" }
        }
        p.muted { "Keys: " kbd { "Space" } " show · " kbd { "1" } "–" kbd { "4" } " grade · " kbd { "?" } " all keys" }
    };
    Ok(content)
}

/// The four grades, the proposed one marked and focused.
fn grades(tok: &str, run: u64, id: u64, proposed: Option<Quality>) -> Markup {
    html! {
        form.buttons.grades method="post" action="/drill/grade" {
            (token(tok))
            (ids(run, id))
            @for (n, g) in Grade::ALL.iter().enumerate() {
                @let is = proposed == Some(g.quality());
                button type="submit" name="grade" value=(n + 1) data-grade=(n + 1)
                    class=[is.then_some("proposed")] autofocus[is] {
                    (n + 1) " " (g.name()) @if is { " (proposed)" }
                }
            }
        }
    }
}

/// A question as a form posting to `action`, answering presentation `id`;
/// `extra` goes before the button.
pub fn question_form(
    q: &Question,
    action: &str,
    (run, id): (u64, u64),
    tok: &str,
    extra: Markup,
) -> Markup {
    html! {
        form method="post" action=(action) {
            (token(tok))
            (ids(run, id))
            @match q {
                Question::Choice { prompt, options, right } => {
                    fieldset {
                        legend.prompt { (prompt) }
                        @if right.len() > 1 { p.muted { "Pick every right one." } }
                        div.options {
                            @for (i, option) in options.iter().enumerate() {
                                @let letter = letter(i);
                                label {
                                    @if right.len() > 1 {
                                        input type="checkbox" name="option" value=(i) data-letter=(letter);
                                    } @else {
                                        input type="radio" name="option" value=(i) data-letter=(letter) required;
                                    }
                                    span { (letter) ") " (option) }
                                }
                            }
                        }
                    }
                    (extra)
                    div.buttons { button type="submit" data-key="space" { "Answer" } }
                }
                Question::TrueFalse { statement, .. } => {
                    p.prompt { (statement) }
                    (extra)
                    div.buttons {
                        button type="submit" name="answer" value="true" data-key="t" { "True" }
                        button type="submit" name="answer" value="false" data-key="f" { "False" }
                    }
                }
                Question::Typed { prompt, .. } => {
                    label {
                        span.prompt style="display:block" { (prompt) }
                        input type="text" name="answer" autocomplete="off" autocapitalize="off"
                            spellcheck="false" maxlength="500" data-autofocus required;
                    }
                    (extra)
                    div.buttons { button type="submit" { "Answer" } }
                }
            }
        }
    }
}

/// The hidden fields naming what a form answers: the session (`run`, a
/// number the server gives each session it starts) and the presentation
/// (`id`). A form from an earlier session, or for a card no longer shown,
/// is refused.
pub fn ids(run: u64, id: u64) -> Markup {
    html! {
        input type="hidden" name="run" value=(run);
        input type="hidden" name="id" value=(id);
    }
}

/// The session and presentation a form answers.
pub fn answering(fields: &Fields) -> Result<(u64, u64), WebError> {
    Ok((fields.number("run", 1, u64::MAX)?, fields.id()?))
}

/// The letter of option `i`: a, b, c...
fn letter(i: usize) -> char {
    u8::try_from(i)
        .ok()
        .and_then(|i| (b'a'..=b'z').nth(usize::from(i)))
        .map_or('?', char::from)
}

/// The answer a form gives to `q`; a clear sentence when it gives none.
pub fn given(q: &Question, fields: &Fields) -> Result<Given, WebError> {
    match q {
        Question::Choice { options, .. } => {
            let mut picked = Vec::new();
            for v in fields.all("option") {
                let i = v
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < options.len())
                    .ok_or_else(|| {
                        WebError::bad_request("that option is not one of this question's")
                    })?;
                picked.push(i);
            }
            picked.sort_unstable();
            picked.dedup();
            if picked.is_empty() {
                return Err(WebError::bad_request("pick an option"));
            }
            Ok(Given::Choice(picked))
        }
        Question::TrueFalse { .. } => match fields.get("answer") {
            Some("true") => Ok(Given::Bool(true)),
            Some("false") => Ok(Given::Bool(false)),
            _ => Err(WebError::bad_request("answer true or false")),
        },
        Question::Typed { .. } => {
            let text = fields.get("answer").unwrap_or("").trim();
            if text.is_empty() {
                return Err(WebError::bad_request("type an answer"));
            }
            if text.chars().count() > 500 {
                return Err(WebError::bad_request(
                    "an answer has at most 500 characters",
                ));
            }
            Ok(Given::Text(text.to_string()))
        }
    }
}

/// An answer as a correction shows it.
pub fn described(given: &Given, q: &Question) -> String {
    match given.describe(q) {
        text if text.trim().is_empty() => "no answer".to_string(),
        text => text,
    }
}

/// How an answer went, and the right one.
pub fn feedback(q: &Question, given: &str, verdict: Match) -> Markup {
    let (mark, class) = match verdict {
        Match::Exact => ("Right", "right"),
        Match::Close => ("Close: a small typo", "close"),
        Match::Wrong => ("Not quite", "wrong"),
    };
    html! {
        div.feedback role="status" {
            p { span class=(class) { (mark) } " · yours: " (given) }
            p { "Answer: " strong { (q.solution()) } }
            @if let Question::TrueFalse { explanation: Some(e), .. } = q { p { (e) } }
        }
    }
}

/// What a finished drill says.
fn summary(f: &Finished) -> Markup {
    let s = &f.summary;
    let why = match f.end {
        Some(End::Stopped) => "Stopped; every answer so far is saved.",
        Some(End::TimeUp) => "Time is up.",
        _ => "Done.",
    };
    html! {
        h1 { "Drill" }
        @if s.cards + s.repeats == 0 && f.end == Some(End::Finished) {
            @if f.no_deck {
                p { "No deck is installed: add one on the " a href="/decks" { "Decks" } " page." }
            } @else {
                p { "Nothing to drill right now: no card is due and no new card is left for today." }
            }
        } @else {
            p role="status" {
                (why) " " (crate::text::plural(s.cards, "card")) " done, " (s.recalled) " recalled ("
                (crate::quiz::exam::percent(s.recalled, s.cards)) "%)"
                @if s.repeats > 0 { ", " (crate::text::plural(s.repeats, "repeat")) }
                ", in " (f.minutes) " min."
            }
            div.scroll {
                table {
                    thead { tr { th scope="col" { "area" } th scope="col" { "done" } th scope="col" { "recalled" } } }
                    tbody {
                        @for a in &s.areas {
                            tr { td { (a.area) } td { (a.cards) } td { (a.recalled) } }
                        }
                    }
                }
            }
        }
        p { "Due tomorrow: " (crate::text::plural(f.due_tomorrow, "card")) " · streak: " (crate::text::plural(f.streak, "day")) }
        p { a.button href="/" data-key="space" { "Back to today" } }
    }
}
