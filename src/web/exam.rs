//! The mock exam in the browser: one question at a time against a
//! countdown the server enforces (an answer after the deadline is refused),
//! no feedback until the end, then the score, pass or fail, each area's
//! score and every miss.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::layout::{page as frame, token};
use super::study::{answering, given, question_form};
use super::{Desk, ExamPage, Fields, Inner, WebError, response_ms, see_other};
use crate::sched::Now;
use crate::session::{ExamEnd, ExamOptions, ExamRun};

/// `GET /exam`.
pub async fn page(app: Desk) -> Result<Markup, WebError> {
    let tok = app.token().to_string();
    let nav = app.nav();
    app.with(move |inner, config| {
        Ok(frame(
            &nav,
            "Mock exam",
            "/exam",
            render(inner, &tok, (config.clock)())?,
        ))
    })
    .await
}

/// `POST /exam/start`.
pub async fn start(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let questions = fields.optional("questions", 1, 500)?.unwrap_or(20);
    let minutes = fields.optional("minutes", 1, 600)?;
    let pass_mark = fields.optional("pass_mark", 0, 100)?.unwrap_or(70);
    let deck = fields
        .get("deck")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(crate::model::DeckId::from);
    app.with(move |inner, config| {
        if inner.exam.as_ref().is_some_and(|e| e.end.is_none()) {
            return Ok(see_other("/exam"));
        }
        let now = (config.clock)();
        let user = inner
            .store
            .user(&inner.user.name)?
            .unwrap_or(inner.user.clone());
        inner.user = user.clone();
        let options = ExamOptions {
            deck,
            questions: usize::try_from(questions).unwrap_or(20),
            minutes: minutes.and_then(|m| u32::try_from(m).ok()),
            pass_mark: u32::try_from(pass_mark).unwrap_or(70),
            seed: None,
        };
        let run = ExamRun::start(&*inner.store, user, &options, now)?;
        inner.runs += 1;
        inner.exam = Some(ExamPage {
            number: inner.runs,
            run,
            end: None,
            shown: None,
        });
        Ok(see_other("/exam"))
    })
    .await
}

/// `POST /exam/answer`: saved as given; no feedback.
pub async fn answer(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let (number, id) = answering(&fields)?;
    let tok = app.token().to_string();
    app.with(move |inner, config| {
        let now = (config.clock)();
        let Some(page) = inner
            .exam
            .as_mut()
            .filter(|p| p.number == number && p.end.is_none())
        else {
            return Err(stale(inner, &tok, now));
        };
        let Some(p) = page.run.next(now.utc()) else {
            // Time ran out before this answer arrived.
            let late = WebError::new(
                StatusCode::CONFLICT,
                "time was up before that answer arrived: it is not counted",
            );
            return Err(late.above(render(inner, &tok, now)?));
        };
        if p.id != id {
            return Err(stale(inner, &tok, now));
        }
        let answer = match given(&p.question.question, &fields) {
            Ok(answer) => answer,
            Err(e) => return Err(e.above(render(inner, &tok, now)?)),
        };
        let ms = response_ms(page.shown, id, now);
        match page.run.answer(&mut *inner.store, id, answer, now, ms) {
            Ok(Some(_)) => Ok(see_other("/exam")),
            Ok(None) => {
                let late = WebError::new(
                    StatusCode::CONFLICT,
                    "time was up before that answer arrived: it is not counted",
                );
                Err(late.above(render(inner, &tok, now)?))
            }
            Err(crate::Error::Stale) => Err(stale(inner, &tok, now)),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// `POST /exam/stop`: an attempt with answers is kept as abandoned.
pub async fn stop(app: Desk, _fields: Fields) -> Result<Response, WebError> {
    app.with(|inner, config| {
        let now = (config.clock)();
        if let Some(page) = inner.exam.as_mut().filter(|p| p.end.is_none()) {
            page.run.stop();
            page.end = Some(page.run.finish(&mut *inner.store, now)?);
        }
        Ok(see_other("/exam"))
    })
    .await
}

fn stale(inner: &mut Inner, tok: &str, now: Now) -> WebError {
    let error = WebError::from(crate::Error::Stale);
    match render(inner, tok, now) {
        Ok(page) => error.above(page),
        Err(e) => e,
    }
}

/// The exam page: the question with its countdown, or the result.
fn render(inner: &mut Inner, tok: &str, now: Now) -> Result<Markup, WebError> {
    let Some(page) = inner.exam.as_mut() else {
        let form = start_form(inner, tok, now)?;
        return Ok(html! { h1 { "Mock exam" } p { "No exam is under way." } (form) });
    };
    if page.end.is_none() {
        if let Some(p) = page.run.next(now.utc()) {
            if page.shown.is_none_or(|(id, _)| id != p.id) {
                page.shown = Some((p.id, now.utc()));
            }
            let content = html! {
                h1 { "Mock exam" }
                @if let Some((got, wanted)) = page.run.asked_fewer() {
                    p.muted { "Only " (got) " of the " (wanted) " questions asked for: the deck has no more cards to ask about." }
                }
                p.progress {
                    "question " (p.position) "/" (p.total) " · "
                    span #countdown .countdown role="timer" aria-live="off"
                        data-deadline=(p.deadline.timestamp_millis())
                        data-now=(now.utc().timestamp_millis()) {
                        (left(p.deadline, now))
                    }
                }
                div.card { (question_form(&p.question.question, "/exam/answer", (page.number, p.id), tok, html! {})) }
                form method="post" action="/exam/stop" {
                    (token(tok))
                    button.secondary type="submit" { "Stop (kept as abandoned, not scored)" }
                }
            };
            return Ok(content);
        }
        page.end = Some(page.run.finish(&mut *inner.store, now)?);
    }
    let end = page.end.as_ref().map_or_else(|| html! {}, result);
    let form = start_form(inner, tok, now)?;
    Ok(html! { h1 { "Mock exam" } (end) (form) })
}

/// "12:05 left", rounded up to the second.
fn left(deadline: chrono::DateTime<chrono::Utc>, now: Now) -> String {
    let ms = (deadline - now.utc()).num_milliseconds().max(0);
    let s = (ms + 999) / 1000;
    format!("{}:{:02} left", s / 60, s % 60)
}

/// The choice of the exam's deck, when the learner studies several.
pub(super) fn deck_choice(inner: &Inner, now: Now) -> Result<Markup, WebError> {
    let today = now.study_day(inner.user.rollover);
    let decks = inner.store.decks(Some(inner.user.id), today)?;
    Ok(html! {
        @if decks.len() > 1 {
            label.inline { "Deck "
                select name="deck" {
                    @for d in &decks { option value=(d.id) { (d.title) } }
                }
            }
        }
    })
}

fn start_form(inner: &Inner, tok: &str, now: Now) -> Result<Markup, WebError> {
    let decks = deck_choice(inner, now)?;
    Ok(html! {
        form method="post" action="/exam/start" {
            (token(tok))
            h2 { "A new exam" }
            (decks)
            label.inline { "Questions " input type="number" name="questions" value="20" min="1" max="500" inputmode="numeric"; }
            label.inline { "Minutes " input type="number" name="minutes" min="1" max="600" placeholder="1 a question" inputmode="numeric"; }
            label.inline { "Pass mark % " input type="number" name="pass_mark" value="70" min="0" max="100" inputmode="numeric"; }
            div.buttons { button type="submit" { "Start the exam" } }
        }
    })
}

/// What an ended exam shows: the verdict first on a page (it is not
/// scrolled away), then each area weakest first, then every miss.
fn result(end: &ExamEnd) -> Markup {
    match end {
        ExamEnd::NotRecorded { why } => {
            html! { p role="status" { "No exam recorded: " (why) "." } }
        }
        ExamEnd::Abandoned { answered } => html! {
            p role="status" {
                "Stopped after " (crate::text::plural(*answered, "answer"))
                ": the attempt is kept as abandoned and not scored."
            }
        },
        ExamEnd::Scored(r) => html! {
            p.verdict role="status" {
                strong class=(if r.passed { "right" } else { "wrong" }) { (if r.passed { "PASS" } else { "FAIL" }) }
                " · score " (r.correct) "/" (r.total) " (" (r.score) "%) · pass mark " (r.pass_mark) "% · "
                (r.minutes) " min"
            }
            @if r.timed_out {
                p { "Time ran out: " (crate::text::plural(r.unanswered, "question")) " unanswered, counted wrong." }
            }
            div.scroll {
                table {
                    caption.muted { "Each area, weakest first" }
                    thead { tr { th scope="col" { "area" } th scope="col" { "right" } th scope="col" { "score" } } }
                    tbody {
                        @for a in &r.areas {
                            tr { td { (a.area_name) } td { (a.correct) "/" (a.total) } td { (a.percent()) "%" } }
                        }
                    }
                }
            }
            @if !r.missed.is_empty() {
                h2 { "Missed" }
                ol {
                    @for m in &r.missed {
                        li value=(m.position) {
                            (m.prompt)
                            br;
                            span.muted { "yours: " (m.given.as_deref().unwrap_or("no answer")) " · right: " }
                            strong { (m.solution) }
                        }
                    }
                }
            }
        },
    }
}
