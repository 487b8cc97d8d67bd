//! The quiz in the browser: each answer judged and recorded (it
//! reschedules the card, as a drill answer would) before the next
//! question is sent, its correction shown above that question.

use axum::response::Response;
use maud::{Markup, html};

use super::layout::{page as frame, token};
use super::study::{answering, described, feedback, given, question_form};
use super::{Desk, Fields, Inner, QuizPage, WebError, response_ms, see_other};
use crate::model::Match;
use crate::quiz::Question;
use crate::sched::Now;
use crate::session::{Quiz, QuizOptions};

/// The last answer, shown with its correction above the next question.
pub struct Feedback {
    question: Question,
    given: String,
    verdict: Match,
}

/// `GET /quiz`.
pub async fn page(app: Desk) -> Result<Markup, WebError> {
    let tok = app.token().to_string();
    let nav = app.nav();
    app.with(move |inner, config| {
        Ok(frame(
            &nav,
            "Quiz",
            "/quiz",
            render(inner, &tok, (config.clock)()),
        ))
    })
    .await
}

/// `POST /quiz/start`: a new quiz of `count` questions.
pub async fn start(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let count = fields.optional("count", 1, 200)?.unwrap_or(10);
    app.with(move |inner, config| {
        if inner.quiz.as_ref().is_some_and(|q| q.quiz.next().is_some()) {
            return Ok(see_other("/quiz"));
        }
        let now = (config.clock)();
        let user = inner
            .store
            .user(&inner.user.name)?
            .unwrap_or(inner.user.clone());
        inner.user = user.clone();
        let options = QuizOptions {
            count: usize::try_from(count).unwrap_or(10),
            ..QuizOptions::default()
        };
        let quiz = Quiz::start(&*inner.store, user, &options, now)?;
        inner.runs += 1;
        inner.quiz = Some(QuizPage {
            run: inner.runs,
            quiz,
            last: None,
            shown: None,
        });
        Ok(see_other("/quiz"))
    })
    .await
}

/// `POST /quiz/answer`: judged and recorded at once.
pub async fn answer(app: Desk, fields: Fields) -> Result<Response, WebError> {
    let (run, id) = answering(&fields)?;
    let easy = fields.get("easy") == Some("1");
    let tok = app.token().to_string();
    app.with(move |inner, config| {
        let now = (config.clock)();
        let Some(page) = inner.quiz.as_mut().filter(|p| p.run == run) else {
            return Err(stale(inner, &tok, now));
        };
        let Some(q) = page.quiz.next().filter(|q| q.id == id) else {
            return Err(stale(inner, &tok, now));
        };
        let answer = match given(&q.question, &fields) {
            Ok(answer) => answer,
            Err(e) => return Err(e.above(render(inner, &tok, now))),
        };
        let shown = described(&answer, &q.question);
        let verdict = page.quiz.judge(id, answer)?;
        let ms = response_ms(page.shown, id, now);
        page.quiz.record(&mut *inner.store, id, easy, now, ms)?;
        page.last = Some(Feedback {
            question: q.question,
            given: shown,
            verdict,
        });
        Ok(see_other("/quiz"))
    })
    .await
}

/// `POST /quiz/stop`: ends the quiz; every answer recorded is kept.
pub async fn stop(app: Desk, _fields: Fields) -> Result<Response, WebError> {
    app.with(|inner, _| {
        if let Some(page) = inner.quiz.as_mut() {
            page.quiz.stop();
        }
        Ok(see_other("/quiz"))
    })
    .await
}

fn stale(inner: &mut Inner, tok: &str, now: Now) -> WebError {
    WebError::from(crate::Error::Stale).above(render(inner, tok, now))
}

/// The quiz page: the last correction, then the next question or the
/// summary.
fn render(inner: &mut Inner, tok: &str, now: Now) -> Markup {
    let _ = now;
    let Some(page) = inner.quiz.as_mut() else {
        return html! {
            h1 { "Quiz" }
            p { "No quiz is under way." }
            (start_form(tok))
        };
    };
    let next = page.quiz.next();
    if let Some(q) = &next {
        if page.shown.is_none_or(|(id, _)| id != q.id) {
            page.shown = Some((q.id, now.utc()));
        }
    }
    let content = html! {
        h1 { "Quiz" }
        @if let Some(last) = &page.last {
            section.card aria-label="Your last answer" {
                p.muted { "Your last answer" }
                p { (last.question.prompt()) }
                (feedback(&last.question, &last.given, last.verdict))
            }
        }
        @if let Some(q) = next {
            p.progress aria-live="polite" {
                "question " (q.position) "/" (q.total)
                @if !q.hide_area { " · " (q.item.area_name) }
            }
            div.card {
                (question_form(&q.question, "/quiz/answer", (page.run, q.id), tok, html! {
                    label.inline {
                        input type="checkbox" name="easy" value="1";
                        "Easy for me (if right)"
                    }
                }))
            }
            form method="post" action="/quiz/stop" {
                (token(tok))
                button.secondary type="submit" { "Stop (every answer so far is kept)" }
            }
        } @else {
            (summary(&page.quiz))
            (start_form(tok))
        }
    };
    content
}

fn start_form(tok: &str) -> Markup {
    html! {
        form method="post" action="/quiz/start" {
            (token(tok))
            label.inline { "Questions " input type="number" name="count" value="10" min="1" max="200" inputmode="numeric"; }
            button type="submit" { "Start a quiz" }
        }
    }
}

fn summary(quiz: &Quiz) -> Markup {
    let s = quiz.summary();
    html! {
        @if quiz.total() == 0 {
            p { "No card here can make a question." }
        } @else {
            p role="status" {
                @if quiz.stopped() { "Stopped; every answer so far is saved. " }
                (crate::text::plural(s.cards, "question")) " answered, " (s.recalled) " right ("
                (crate::quiz::exam::percent(s.recalled, s.cards)) "%)"
            }
            div.scroll {
                table {
                    thead { tr { th scope="col" { "area" } th scope="col" { "right" } } }
                    tbody {
                        @for a in &s.areas { tr { td { (a.area) } td { (a.recalled) "/" (a.cards) } } }
                    }
                }
            }
            @if !quiz.missed().is_empty() {
                h2 { "Missed" }
                ol {
                    @for m in quiz.missed() {
                        li {
                            (m.question.prompt())
                            br;
                            span.muted { "yours: " (described(&m.given, &m.question)) " · right: " }
                            strong { (m.question.solution()) }
                        }
                    }
                }
            }
        }
    }
}
