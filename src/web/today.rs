//! The learner's day (what is due per area, the streak, buttons to start
//! a drill, a quiz or an exam) and the retention report.

use axum::extract::Query;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::layout::{page as frame, token};
use super::{Desk, WebError};
use crate::report::{self, Window, html as report_html};

/// `GET /`: today.
pub async fn page(app: Desk) -> Result<Markup, WebError> {
    let tok = app.token().to_string();
    let nav = app.nav();
    app.with(move |inner, config| {
        let now = (config.clock)();
        let user = inner.store.user(&inner.user.name)?.unwrap_or(inner.user.clone());
        inner.user = user.clone();
        let status = report::status(&*inner.store, &user, None, now)?;
        let drilling = inner
            .drill
            .as_ref()
            .is_some_and(|d| d.finished.is_none());
        let quizzing = inner.quiz.as_ref().is_some_and(|q| q.quiz.next().is_some());
        let examining = inner.exam.as_ref().is_some_and(|e| e.end.is_none());
        let exam_decks = super::exam::deck_choice(inner, now)?;
        let content = html! {
            h1 { "Today" }
            p.muted {
                (status.user) " · study day " (status.study_day) " · streak "
                (crate::text::plural(status.streak, "day"))
            }
            @if status.areas.is_empty() {
                div.notice role="status" {
                    p { "No deck is installed. Add one on the " a href="/decks" { "Decks" } " page." }
                }
            } @else {
                p {
                    strong { (status.total.due) } " due · "
                    strong { (status.new_today) } " new cards left for today"
                }
                div.scroll {
                    table {
                        caption.muted { "Cards per skill area" }
                        thead { tr { th scope="col" { "area" } th scope="col" { "due" } th scope="col" { "new" }
                                     th scope="col" { "learning" } th scope="col" { "learned" } } }
                        tbody {
                            @for r in status.areas.iter().chain(std::iter::once(&status.total)) {
                                tr class=[(r.area.is_empty()).then_some("total")] {
                                    td { (r.name) } td { (r.due) } td { (r.new) }
                                    td { (r.learning) } td { (r.learned) }
                                }
                            }
                        }
                    }
                }
            }
            div.start {
                form method="post" action="/drill/start" {
                    h2 { "Drill" }
                    @if drilling {
                        p { "A drill is under way." }
                        a.button href="/drill" data-key="space" { "Continue the drill" }
                    } @else {
                        p.muted { "Today's due cards, then new ones." }
                        (token(&tok))
                        label { "At most " input type="number" name="limit" min="1" max="1000" inputmode="numeric"; " cards (optional)" }
                        button type="submit" data-key="space" { "Start the drill" }
                    }
                }
                form method="post" action="/quiz/start" {
                    h2 { "Quiz" }
                    @if quizzing {
                        p { "A quiz is under way." }
                        a.button href="/quiz" { "Continue the quiz" }
                    } @else {
                        p.muted { "Questions graded for you; they feed the schedule." }
                        (token(&tok))
                        label { "Questions " input type="number" name="count" value="10" min="1" max="200" inputmode="numeric"; }
                        button type="submit" { "Start a quiz" }
                    }
                }
                form method="post" action="/exam/start" {
                    h2 { "Mock exam" }
                    @if examining {
                        p { "An exam is under way." }
                        a.button href="/exam" { "Back to the exam" }
                    } @else {
                        p.muted { "Timed, scored by area; it does not reschedule." }
                        (token(&tok))
                        (exam_decks)
                        label { "Questions " input type="number" name="questions" value="20" min="1" max="500" inputmode="numeric"; }
                        label { "Minutes " input type="number" name="minutes" min="1" max="600" placeholder="1 a question" inputmode="numeric"; }
                        label { "Pass mark % " input type="number" name="pass_mark" value="70" min="0" max="100" inputmode="numeric"; }
                        button type="submit" { "Start the exam" }
                    }
                }
            }
        };
        Ok(frame(&nav, "Today", "/", content))
    })
    .await
}

/// The report's query: the window, in study days.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    days: Option<String>,
}

/// `GET /report?days=N`: retention by area, with its charts.
pub async fn report(
    app: Desk,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Markup, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let days = match query.days.as_deref().map(str::trim) {
        None | Some("") => 30,
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=36_500).contains(d))
            .ok_or_else(|| WebError::bad_request("days must be a whole number from 1 to 36500"))?,
    };
    let nav = app.nav();
    app.with(move |inner, config| {
        let today = (config.clock)().study_day(inner.user.rollover);
        let window = Window::of(None, Some(days), today).map_err(crate::Error::Usage)?;
        let report = report::load(
            &*inner.store,
            std::slice::from_ref(&inner.user),
            None,
            window,
            false,
        )?;
        let content = html! {
            form.buttons method="get" action="/report" {
                label.inline {
                    "Window "
                    select name="days" {
                        @for d in [7u32, 30, 90, 365] {
                            option value=(d) selected[d == days] { "last " (d) " days" }
                        }
                    }
                }
                button.secondary type="submit" { "Show" }
            }
            // Rendered by the report's own HTML writer, which escapes
            // every text from a deck or a learner.
            (PreEscaped(report_html::body(&report)))
        };
        Ok(frame(&nav, "Report", "/report", content))
    })
    .await
}
