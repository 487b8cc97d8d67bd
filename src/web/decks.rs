//! The installed decks, a card browser (search, filter by area, one
//! card's full text, state and history), and adding a deck file, its lint
//! errors shown at line and column.

use std::collections::HashMap;
use std::path::Path;

use axum::Extension;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Multipart, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::same;
use super::layout::{page as frame, token};
use super::{Desk, Token, WebError};
use crate::deck::{Card, Content, Severity};
use crate::model::{CardKey, DeckId};

/// `GET /decks`.
pub async fn list(app: Desk) -> Result<Markup, WebError> {
    let tok = app.token().to_string();
    let local = !app.app.is_class();
    let nav = app.nav();
    app.with(move |inner, config| {
        let today = (config.clock)().study_day(inner.user.rollover);
        let decks = inner.store.decks(Some(inner.user.id), today)?;
        Ok(frame(&nav, "Decks", "/decks", html! {
            h1 { "Decks" }
            @if decks.is_empty() {
                p { "No deck is installed." }
            } @else {
                div.scroll {
                    table {
                        thead { tr { th scope="col" { "deck" } th scope="col" { "version" } th scope="col" { "cards" }
                                     th scope="col" { "areas" } th scope="col" { "due" } th scope="col" { "new" } } }
                        tbody {
                            @for d in &decks {
                                tr {
                                    td { a href={ "/decks/" (d.id) } { (d.title) } br; small.muted { (d.id) } }
                                    td { (d.version) } td { (d.cards) } td { (d.areas) }
                                    td { (d.due.unwrap_or(0)) } td { (d.new.unwrap_or(0)) }
                                }
                            }
                        }
                    }
                }
            }
            @if local { (add_form(&tok)) }
        }))
    })
    .await
}

fn add_form(tok: &str) -> Markup {
    html! {
        form method="post" action="/decks/add" enctype="multipart/form-data" {
            h2 { "Add or update a deck" }
            p.muted { "A deck file (TOML or JSON). A deck already installed is updated; its cards keep their history." }
            (token(tok))
            label { "Deck file " input type="file" name="deck" accept=".toml,.json" required; }
            div.buttons { button type="submit" { "Add the deck" } }
        }
    }
}

/// The card browser's query.
#[derive(Debug, Deserialize)]
pub struct Browse {
    q: Option<String>,
    area: Option<String>,
}

/// `GET /decks/{deck}?q=…&area=…`.
pub async fn show(
    app: Desk,
    deck: Result<axum::extract::Path<String>, PathRejection>,
    query: Result<Query<Browse>, QueryRejection>,
) -> Result<Markup, WebError> {
    let axum::extract::Path(deck) =
        deck.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let nav = app.nav();
    app.with(move |inner, config| {
        let id = DeckId::from(deck.as_str());
        let today = (config.clock)().study_day(inner.user.rollover);
        let installed = inner
            .store
            .installed_deck(&id, Some(inner.user.id), today)?
            .ok_or_else(|| WebError::not_found(format!("no deck {} is installed", crate::text::quoted(&deck))))?;
        let states: HashMap<CardKey, crate::sched::State> =
            inner.store.card_states(inner.user.id)?.into_iter().collect();
        let q = query.q.unwrap_or_default();
        let needle = q.trim().to_lowercase();
        let area = query.area.unwrap_or_default();
        let cards: Vec<Card> = inner
            .store
            .deck_cards(&id)?
            .into_iter()
            .filter(|c| area.is_empty() || c.area == area)
            .filter(|c| needle.is_empty() || text_of(c).to_lowercase().contains(&needle))
            .collect();
        let s = &installed.summary;
        Ok(frame(&nav, &s.title, "/decks", html! {
            h1 { (s.title) }
            p.muted { (s.id) " · version " (s.version) " · " (crate::text::plural(s.cards, "card")) }
            @if let Some(d) = &installed.description { p { (d) } }
            form method="get" action={ "/decks/" (s.id) } role="search" {
                label.inline { "Search " input type="search" name="q" value=(q) maxlength="200"; }
                label.inline {
                    "Area "
                    select name="area" {
                        option value="" { "every area" }
                        @for (a, n) in &installed.areas {
                            option value=(a.id) selected[a.id == area] { (a.name) " (" (n) ")" }
                        }
                    }
                }
                button.secondary type="submit" { "Filter" }
            }
            p.muted { (crate::text::plural(cards.len(), "card")) " shown" }
            div.scroll {
                table {
                    thead { tr { th scope="col" { "card" } th scope="col" { "kind" } th scope="col" { "due" } } }
                    tbody {
                        @for c in &cards {
                            @let key = CardKey::new(s.id.clone(), c.id.as_str());
                            tr {
                                td { a href={ "/decks/" (s.id) "/cards/" (c.id) } { (crate::text::short(&c.content.prompt(), 90)) } }
                                td { (c.content.kind().name()) }
                                td { (states.get(&key).and_then(|st| st.due).map_or("new".to_string(), |d| d.to_string())) }
                            }
                        }
                    }
                }
            }
        }))
    })
    .await
}

/// A card's words, for searching.
fn text_of(card: &Card) -> String {
    let mut text = format!(
        "{} {} {}",
        card.id,
        card.content.prompt(),
        card.tags.join(" ")
    );
    match &card.content {
        Content::Basic { back, .. } => text.push_str(back),
        Content::Cloze { text: t, .. } => text.push_str(t),
        Content::Choice { options, .. } => text.push_str(&options.join(" ")),
        Content::TrueFalse { explanation, .. } => {
            text.push_str(explanation.as_deref().unwrap_or(""))
        }
        Content::Typed { answer, .. } => text.push_str(answer),
    }
    text
}

/// `GET /decks/{deck}/cards/{card}`: the card whole, its state and every
/// review of it.
pub async fn card(
    app: Desk,
    path: Result<axum::extract::Path<(String, String)>, PathRejection>,
) -> Result<Markup, WebError> {
    let axum::extract::Path((deck, card)) =
        path.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let nav = app.nav();
    app.with(move |inner, config| {
        let key = CardKey::new(deck.as_str(), card.as_str());
        // Only a card of a deck this learner studies (in a class, the
        // class's decks), as for the deck's own page.
        let today = (config.clock)().study_day(inner.user.rollover);
        if inner
            .store
            .installed_deck(&key.deck, Some(inner.user.id), today)?
            .is_none()
        {
            return Err(WebError::not_found("there is no such deck"));
        }
        let found = inner
            .store
            .deck_cards(&key.deck)?
            .into_iter()
            .find(|c| c.id == card);
        let Some(c) = found else {
            let why = if inner.store.has_card(&key)? {
                "that card is retired: its deck file no longer has it (its history is kept)"
            } else {
                "there is no such card"
            };
            return Err(WebError::not_found(why));
        };
        let state = inner.store.card_state(inner.user.id, &key)?;
        let history: Vec<_> = inner
            .store
            .history(inner.user.id)?
            .into_iter()
            .filter(|r| r.deck == deck && r.card == card)
            .collect();
        Ok(frame(&nav, "Card", "/decks", html! {
            p { a href={ "/decks/" (deck) } { "← " (deck) } }
            h1 { "Card " (c.id) }
            p.muted { (c.content.kind().name()) " · area " (c.area)
                      @if !c.tags.is_empty() { " · tags " (c.tags.join(", ")) } }
            div.card {
                p.prompt { (c.content.prompt()) }
                (content(&c.content))
                @if let Some(source) = &c.source { p.muted { "Source: " (source) } }
            }
            h2 { "Your state" }
            @if state.is_new() {
                p { "New: never answered in a drill or quiz." }
            } @else {
                p { (state.repetitions) " repetitions in a row · E-Factor " (state.ease) " · interval "
                    (state.interval) " · due " (state.due.map_or("-".to_string(), |d| d.to_string()))
                    " · " (crate::text::plural(state.lapses, "lapse")) }
            }
            h2 { "History" }
            @if history.is_empty() {
                p { "No review yet." }
            } @else {
                div.scroll {
                    table {
                        thead { tr { th scope="col" { "time (UTC)" } th scope="col" { "mode" } th scope="col" { "quality" }
                                     th scope="col" { "interval after" } th scope="col" { "due after" } } }
                        tbody {
                            @for r in &history {
                                tr {
                                    td { (r.reviewed_at.get(..16).unwrap_or(&r.reviewed_at).replace('T', " ")) }
                                    td { (r.mode) } td { (r.quality) } td { (r.after_interval) "d" }
                                    td { (r.after_due.as_deref().unwrap_or("-")) }
                                }
                            }
                        }
                    }
                }
            }
        }))
    })
    .await
}

/// A card's answer side.
fn content(content: &Content) -> Markup {
    match content {
        Content::Basic { back, .. } => html! { p.answer { (back) } },
        Content::Cloze { .. } => html! { p.answer { (content.prompt()) } },
        Content::Choice {
            options, answer, ..
        } => html! {
            ul { @for o in options { li { (o) @if answer.contains(o) { " ✓" } } } }
        },
        Content::TrueFalse {
            answer,
            explanation,
            ..
        } => html! {
            p.answer { (if *answer { "True" } else { "False" }) @if let Some(e) = explanation { ". " (e) } }
        },
        Content::Typed { answer, accept, .. } => html! {
            p.answer { (answer) @if !accept.is_empty() { br; span.muted { "also accepted: " (accept.join("; ")) } } }
        },
    }
}

/// A deck file posted as a form upload (field `deck`) with the form's
/// token (field `token`): its name and bytes.
pub(super) async fn upload(
    expected: &str,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(String, Vec<u8>), WebError> {
    let mut multipart =
        multipart.map_err(|_| WebError::bad_request("send the deck file as a form upload"))?;
    let (mut given, mut file) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the deck file is too large (8 MiB at most)",
                ));
            }
            Err(_) => return Err(WebError::bad_request("the upload could not be read")),
        };
        match field.name() {
            Some("token") => given = field.text().await.ok(),
            Some("deck") => {
                let name = field
                    .file_name()
                    .and_then(|n| Path::new(n).file_name())
                    .map_or_else(
                        || "deck.toml".to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                let bytes = field.bytes().await.map_err(|_| {
                    WebError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "the deck file is too large (8 MiB at most)",
                    )
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    if !given.is_some_and(|g| same(g.as_bytes(), expected.as_bytes())) {
        return Err(WebError::forbidden(
            "the form is not from this recall (its token is missing or out of date): reload the page and try again",
        ));
    }
    file.filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| WebError::bad_request("choose a deck file to add"))
}

/// A deck file checked: the deck if it has no error, and every error and
/// warning at its line and column.
pub(super) struct Checked {
    pub deck: Option<crate::deck::Deck>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// The longest an uploaded deck may take to check: with the size cap, it
/// bounds what one upload costs the server.
const CHECK_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Checks an uploaded deck file as `recall deck lint` does, on its own
/// thread (holding no lock), within [`CHECK_TIME`].
pub(super) async fn checked(name: String, bytes: Vec<u8>) -> Result<Checked, WebError> {
    let work = super::blocking(move || check(&name, bytes));
    tokio::time::timeout(CHECK_TIME, work).await.map_err(|_| {
        WebError::bad_request(format!(
            "the deck file took more than {} seconds to check: split it into smaller decks",
            CHECK_TIME.as_secs()
        ))
    })?
}

/// Checks an uploaded deck file as `recall deck lint` does.
fn check(name: &str, bytes: Vec<u8>) -> Result<Checked, WebError> {
    let path = Path::new(name);
    let text =
        crate::files::text_of(path, bytes).map_err(|e| WebError::bad_request(e.to_string()))?;
    let checked = crate::deck::check(path, &text);
    let of = |severity: Severity| -> Vec<String> {
        checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .map(ToString::to_string)
            .collect()
    };
    let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
    Ok(Checked {
        deck: checked.deck.filter(|_| errors.is_empty()),
        errors,
        warnings,
    })
}

/// The errors of a deck refused, as a page shows them.
pub(super) fn refused(name: &str, errors: &[String]) -> Markup {
    html! {
        div.notice.error role="alert" {
            p { strong { "Not added: " } (name) " has " (crate::text::plural(errors.len(), "error")) "; nothing was changed." }
        }
        ul.diagnostics.errors { @for e in errors { li { (e) } } }
    }
}

/// `POST /decks/add`: a deck file, checked (every problem listed at its
/// line and column) and, when sound, installed or updated.
pub async fn add(
    app: Desk,
    Extension(Token(expected)): Extension<Token>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let (name, bytes) = upload(&expected, multipart).await?;
    let checked = checked(name.clone(), bytes).await?;
    let tok = app.token().to_string();
    let nav = app.nav();
    app.with(move |inner, config| {
        let failed = checked.deck.is_none();
        let outcome = match checked.deck {
            None => refused(&name, &checked.errors),
            Some(deck) => {
                let report = inner.store.install_deck(&deck, (config.clock)().utc())?;
                html! { div.notice role="status" { p { (report.to_string()) } } }
            }
        };
        let (title, code) = if failed {
            ("Deck refused", StatusCode::BAD_REQUEST)
        } else {
            ("Deck added", StatusCode::OK)
        };
        let page = frame(
            &nav,
            title,
            "/decks",
            html! {
                h1 { "Decks" }
                (outcome)
                @if !checked.warnings.is_empty() {
                    h2 { "Warnings" }
                    ul.diagnostics { @for w in &checked.warnings { li { (w) } } }
                }
                p { a href="/decks" { "Back to the decks" } }
                (add_form(&tok))
            },
        );
        Ok((code, page).into_response())
    })
    .await
}
