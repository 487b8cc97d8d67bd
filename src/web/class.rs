//! Classes on a class server: an instructor makes a class, invites
//! learners, assigns and publishes decks (seeing what a new version
//! changes first) and reads the dashboard: learners by areas, exam results
//! by area, the cards most failed, who has not drilled lately, a learner's
//! own report; all of it as CSV and JSON too. An administrator manages
//! accounts.
//!
//! Every class page is checked on the server against who asks: an
//! instructor sees only the classes they teach (an administrator, every
//! class), a learner's report only through a class they belong to; an id
//! in an address is never enough on its own.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Multipart, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};

use super::decks::{checked, refused, upload};
use super::layout::{page as frame, token};
use super::{App, Desk, Fields, Nav, Token, WebError, Who, see_other};
use crate::accounts::{INVITE_DAYS, Purpose, new_secret};
use crate::deck::{Changes, Deck};
use crate::model::{DeckId, UserId};
use crate::report::{self, Detail, Report, Section, Window, html as report_html};
use crate::sched::{Now, Rollover};
use crate::store::{Class, ClassId, FailedCard, Member, Role, Store, User};

/// A deck checked and waiting for its publisher to confirm.
pub struct Pending {
    owner: UserId,
    class: ClassId,
    deck: Deck,
}

/// A request from someone who teaches: an instructor or an administrator.
pub(crate) struct Teacher {
    desk: Desk,
}

impl FromRequestParts<App> for Teacher {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Teacher, WebError> {
        let desk = Desk::from_request_parts(parts, app).await?;
        if desk.who.role.is_some_and(Role::teaches) {
            Ok(Teacher { desk })
        } else {
            Err(WebError::forbidden("only instructors may do this"))
        }
    }
}

impl Teacher {
    fn who(&self) -> &Who {
        &self.desk.who
    }

    fn app(&self) -> &App {
        &self.desk.app
    }

    fn nav(&self) -> Nav {
        self.desk.nav()
    }
}

/// The class `raw` names, if `who` teaches it (or administers the
/// server): otherwise, as for a class that does not exist, 404.
fn owned(store: &dyn Store, who: &Who, raw: &str) -> Result<Class, WebError> {
    let missing = || WebError::not_found("you teach no class with that number");
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ClassId)
        .ok_or_else(missing)?;
    let class = store.class(id)?.ok_or_else(missing)?;
    if class.instructor == who.user.id || who.role == Some(Role::Admin) {
        Ok(class)
    } else {
        Err(missing())
    }
}

/// `GET /classes`: the classes one teaches (with a form for a new one) or
/// belongs to.
pub async fn list(desk: Desk) -> Result<Markup, WebError> {
    let nav = desk.nav();
    let who = desk.who.clone();
    desk.app
        .admin(move |store, _| {
            let teaches = who.role.is_some_and(Role::teaches);
            let taught = match who.role {
                Some(Role::Admin) => store.classes()?,
                Some(Role::Instructor) => store.classes_taught(who.user.id)?,
                _ => Vec::new(),
            };
            let joined = store.classes_joined(who.user.id)?;
            Ok(frame(&nav, "Classes", "/classes", html! {
                h1 { "Classes" }
                @if teaches {
                    @if taught.is_empty() {
                        p { "You teach no class yet." }
                    } @else {
                        ul.classes {
                            @for c in &taught {
                                li { a href={ "/classes/" (c.id) } { (c.name) } " · " span.muted { (c.instructor_name) } }
                            }
                        }
                    }
                    form.stack method="post" action="/classes" {
                        h2 { "A new class" }
                        (token(&who.token))
                        label { "Name " input type="text" name="name" required maxlength="100"; }
                        button type="submit" { "Make the class" }
                    }
                }
                @if !joined.is_empty() {
                    h2 { "Classes you study with" }
                    ul { @for c in &joined { li { (c.name) " · " (c.instructor_name) } } }
                } @else if !teaches {
                    p { "You belong to no class. An instructor's invitation link adds you to one." }
                }
            }))
        })
        .await
}

/// `POST /classes`: a new class.
pub async fn create(teacher: Teacher, fields: Fields) -> Result<Response, WebError> {
    let name = fields.get("name").unwrap_or("").trim().to_string();
    let length = name.chars().count();
    if length == 0 || length > 100 || name.chars().any(char::is_control) {
        return Err(WebError::bad_request(
            "a class's name has 1 to 100 characters, none of them control characters",
        ));
    }
    let user = teacher.who().user.id;
    let now = teacher.app().now().utc();
    teacher
        .app()
        .admin(move |store, _| match store.add_class(user, &name, now)? {
            Some(class) => Ok(see_other(&format!("/classes/{}", class.id))),
            None => Err(WebError::bad_request(format!(
                "you already teach a class named {name:?}"
            ))),
        })
        .await
}

/// The dashboard's query.
#[derive(Debug, Deserialize)]
pub struct Board {
    sort: Option<String>,
    deck: Option<String>,
    days: Option<String>,
    idle: Option<String>,
}

/// A whole number from the query, within bounds, or the default.
fn bounded(
    raw: Option<&str>,
    name: &str,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, WebError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                WebError::bad_request(format!("{name} must be a whole number from {min} to {max}"))
            }),
    }
}

/// Everything a class's dashboard shows, as its exports write it.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    /// The class's name.
    pub class: String,
    /// Its instructor.
    pub instructor: String,
    /// The deck reported on, if the class has one.
    pub deck: Option<String>,
    /// The decks assigned.
    pub decks: Vec<String>,
    /// The window's first study day.
    pub since: String,
    /// Its last: today.
    pub until: String,
    /// Each learner's report in the window (by area, with totals).
    pub report: Report,
    /// Each area's latest exam results across the class.
    pub exams: Vec<AreaExams>,
    /// The cards most failed in the window.
    pub failed: Vec<Failed>,
    /// Members, with when each last answered anything.
    pub members: Vec<Seen>,
    /// The days without an answer after which a learner is listed idle.
    pub idle_days: u32,
}

/// An area's latest exam results across a class.
#[derive(Debug, Serialize)]
pub struct AreaExams {
    /// The area's id.
    pub area: String,
    /// Its name.
    pub name: String,
    /// Learners with a scored exam that asked about it.
    pub learners: usize,
    /// Their questions answered right, together.
    pub correct: usize,
    /// Their questions asked, together.
    pub total: usize,
    /// correct / total in percent, rounded; `null` without any.
    pub percent: Option<usize>,
}

/// A card most failed.
#[derive(Debug, Serialize)]
pub struct Failed {
    /// Its deck.
    pub deck: String,
    /// Its id.
    pub card: String,
    /// Its area's name.
    pub area: String,
    /// Its prompt.
    pub prompt: String,
    /// Answers below 3.
    pub failed: u32,
    /// Answers.
    pub answers: u32,
    /// Learners who failed it at least once.
    pub learners: u32,
}

/// A member and when they last answered.
#[derive(Debug, Serialize)]
pub struct Seen {
    /// Their name.
    pub learner: String,
    /// Their latest answer (UTC), if any.
    pub last_review: Option<String>,
    /// Whether they have answered nothing for the idle days or more.
    pub idle: bool,
}

/// The dashboard's figures; `detail`: the report's (the page and the CSV
/// tables show retention and exam scores alone).
fn board_of(
    store: &dyn Store,
    class: &Class,
    query: &Board,
    now: Now,
    detail: Detail,
) -> Result<(Dashboard, Vec<Member>), WebError> {
    let days = bounded(query.days.as_deref(), "days", 1, 36_500, 30)?;
    let idle_days = bounded(query.idle.as_deref(), "idle", 1, 3650, 7)?;
    let decks = store.class_decks(class.id)?;
    let deck = match query.deck.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(
            decks
                .iter()
                .find(|x| x.as_str() == d)
                .cloned()
                .ok_or_else(|| WebError::not_found("this class has no deck with that id"))?,
        ),
        None => decks.first().cloned(),
    };
    let members = store.members(class.id)?;
    let users: Vec<User> = members.iter().map(|m| m.user.clone()).collect();
    // A class has no one rollover hour: its days start at the default.
    let today = now.study_day(Rollover::DEFAULT);
    let window = Window::of(None, Some(days), today).map_err(crate::Error::Usage)?;
    let report = report::load_with(store, &users, deck.as_ref(), window, true, detail)?;
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let since = now.utc() - chrono::Duration::days(i64::from(days));
    let failed = store
        .failed_cards(&ids, &decks, since, 10)?
        .into_iter()
        .map(|f: FailedCard| Failed {
            deck: f.card.deck.to_string(),
            card: f.card.card.to_string(),
            area: f.area_name,
            prompt: f.prompt,
            failed: f.failed,
            answers: f.answers,
            learners: f.learners,
        })
        .collect();
    let idle_since = now.utc() - chrono::Duration::days(i64::from(idle_days));
    let seen = members
        .iter()
        .map(|m| Seen {
            learner: m.user.name.clone(),
            last_review: m
                .last_review
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            idle: m.last_review.is_none_or(|t| t < idle_since),
        })
        .collect();
    let exams = area_exams(&report.users);
    Ok((
        Dashboard {
            class: class.name.clone(),
            instructor: class.instructor_name.clone(),
            deck: deck.map(|d| d.to_string()),
            decks: decks.iter().map(ToString::to_string).collect(),
            since: report.since.clone(),
            until: report.until.clone(),
            report,
            exams,
            failed,
            members: seen,
            idle_days,
        },
        members,
    ))
}

/// Each area's latest exam scores, summed over learners.
fn area_exams(learners: &[Section]) -> Vec<AreaExams> {
    let Some(first) = learners.first() else {
        return Vec::new();
    };
    first
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let scores: Vec<&report::Exam> = learners
                .iter()
                .filter_map(|s| s.areas.get(i).and_then(|f| f.exam.as_ref()))
                .collect();
            let correct: usize = scores.iter().map(|e| e.correct).sum();
            let total: usize = scores.iter().map(|e| e.total).sum();
            AreaExams {
                area: area.area.clone(),
                name: area.name.clone(),
                learners: scores.len(),
                correct,
                total,
                percent: (total > 0).then(|| (correct * 100 + total / 2) / total),
            }
        })
        .collect()
}

/// `GET /classes/ID`: the dashboard.
pub async fn dashboard(
    teacher: Teacher,
    Path(raw): Path<String>,
    query: Result<Query<Board>, QueryRejection>,
) -> Result<Markup, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let nav = teacher.nav();
    let who = teacher.who().clone();
    let now = teacher.app().now();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let (board, members) = board_of(store, &class, &query, now, Detail::Retention)?;
            let installed = store.decks(None, now.study_day(Rollover::DEFAULT))?;
            let ids: HashMap<String, UserId> =
                members.iter().map(|m| (m.user.name.clone(), m.user.id)).collect();
            let path = format!("/classes/{}", class.id);
            let keep = |extra: &str| {
                let mut q = vec![];
                if let Some(d) = &board.deck {
                    q.push(format!("deck={}", enc(d)));
                }
                q.push(format!("days={}", bounded(query.days.as_deref(), "days", 1, 36_500, 30).unwrap_or(30)));
                q.push(format!("idle={}", board.idle_days));
                if !extra.is_empty() {
                    q.push(extra.to_string());
                }
                format!("{path}?{}", q.join("&"))
            };
            let sort_link = |area: &str| keep(&format!("sort={}", enc(area)));
            let learner_link = |name: &str| {
                ids.get(name)
                    .map(|id| format!("{path}/learners/{id}"))
            };
            let links = report_html::HeatLinks {
                sort: &sort_link,
                learner: &learner_link,
            };
            let heat = report_html::heat_map_by(&board.report.users, query.sort.as_deref(), Some(&links));
            let idle: Vec<&Seen> = board.members.iter().filter(|m| m.idle).collect();
            let exports = keep("");
            let exports = exports.split_once('?').map_or("", |(_, q)| q).to_string();
            Ok(frame(&nav, &class.name, "/classes", html! {
                h1 { (class.name) }
                p.muted { "Taught by " (class.instructor_name) " · "
                    (crate::text::plural(members.len(), "learner")) " · "
                    (board.since) " to " (board.until) }
                form.buttons method="get" action=(path) {
                    @if board.decks.len() > 1 {
                        label.inline { "Deck "
                            select name="deck" {
                                @for d in &board.decks {
                                    option value=(d) selected[board.deck.as_deref() == Some(d.as_str())] { (d) }
                                }
                            }
                        }
                    }
                    label.inline { "Window " input type="number" name="days" min="1" max="36500"
                        value=(bounded(query.days.as_deref(), "days", 1, 36_500, 30).unwrap_or(30)); " days" }
                    label.inline { "Idle after " input type="number" name="idle" min="1" max="3650" value=(board.idle_days); " days" }
                    button.secondary type="submit" { "Show" }
                }
                h2 { "Learners by area" }
                @if members.is_empty() {
                    p { "No learner has joined yet: invite some below." }
                } @else {
                    p.muted { "Retention in each area: the share of scheduled reviews passed, with the number of reviews behind it; blank where fewer than "
                        (report_html::FEWEST_REVIEWS) ". A column's name sorts the learners, weakest first." }
                    (PreEscaped(heat))
                }
                h2 { "Mock exams by area" }
                @if board.exams.iter().all(|e| e.total == 0) {
                    p.muted { "No learner has taken a mock exam on these areas." }
                } @else {
                    div.scroll { table #exams {
                        thead { tr { th scope="col" { "area" } th scope="col" { "learners" } th scope="col" { "right" } th scope="col" { "score" } } }
                        tbody { @for e in &board.exams {
                            tr { td { (e.name) } td { (e.learners) } td { (e.correct) " of " (e.total) }
                                 td { @if let Some(p) = e.percent { (p) "%" } @else { "-" } } }
                        } }
                    } }
                }
                h2 { "Cards most failed" }
                @if board.failed.is_empty() {
                    p.muted { "No card was failed in the window." }
                } @else {
                    div.scroll { table #failed {
                        thead { tr { th scope="col" { "card" } th scope="col" { "area" } th scope="col" { "failed" } th scope="col" { "learners" } } }
                        tbody { @for f in &board.failed {
                            tr { td { (f.prompt) br; small.muted { (f.deck) "/" (f.card) } } td { (f.area) }
                                 td { (f.failed) " of " (f.answers) } td { (f.learners) } }
                        } }
                    } }
                }
                h2 { "Not drilled in " (board.idle_days) " days" }
                @if idle.is_empty() {
                    p.muted { "Everyone has answered something lately." }
                } @else {
                    ul #idle { @for m in &idle {
                        li { (m.learner) " · " span.muted { @match &m.last_review { Some(t) => { "last answer " (t) }, None => { "never answered" } } } }
                    } }
                }
                p { "Export: "
                    a href={ (path) "/export.json?" (exports) } { "everything as JSON" } " · CSV: "
                    a href={ (path) "/export.csv?table=heat&" (exports) } { "learners by area" } ", "
                    a href={ (path) "/export.csv?table=exams&" (exports) } { "exams" } ", "
                    a href={ (path) "/export.csv?table=failed&" (exports) } { "cards failed" } ", "
                    a href={ (path) "/export.csv?table=members&" (exports) } { "members" }
                }
                h2 { "Invite learners" }
                form method="post" action={ (path) "/invite" } {
                    (token(&who.token))
                    p.muted { "Each link adds one learner and works once, for " (INVITE_DAYS) " days. Send it to them yourself." }
                    button type="submit" { "Make an invitation link" }
                }
                h2 { "Decks" }
                @if board.decks.is_empty() {
                    p { "No deck is assigned: the class's learners have nothing to drill yet." }
                } @else {
                    ul { @for d in &board.decks { li { (d) } } }
                }
                @let unassigned: Vec<_> = installed.iter().filter(|d| !board.decks.iter().any(|a| a == d.id.as_str())).collect();
                @if !unassigned.is_empty() {
                    form.buttons method="post" action={ (path) "/decks" } {
                        (token(&who.token))
                        label.inline { "Assign an installed deck "
                            select name="deck" { @for d in &unassigned { option value=(d.id) { (d.title) " (" (d.id) ")" } } }
                        }
                        button.secondary type="submit" { "Assign" }
                    }
                }
                form method="post" action={ (path) "/publish" } enctype="multipart/form-data" {
                    h3 { "Publish a deck" }
                    p.muted { "A deck file (TOML or JSON), new or a new version of one you published. You see what it changes before anything is installed; every learner's history of a card is kept." }
                    (token(&who.token))
                    label { "Deck file " input type="file" name="deck" accept=".toml,.json" required; }
                    div.buttons { button type="submit" { "Check the deck" } }
                }
            }))
        })
        .await
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The address of this server as the browser reached it: for links to
/// send to others.
fn base_url(app: &App, headers: &HeaderMap) -> String {
    let options = app.shared.class;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let forwarded_https = options.is_some_and(|o| o.behind_proxy)
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let https = options.is_some_and(|o| o.https) || forwarded_https;
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// `POST /classes/ID/invite`: a single-use invitation link to the class.
pub async fn invite(
    teacher: Teacher,
    headers: HeaderMap,
    Path(raw): Path<String>,
    _fields: Fields,
) -> Result<Markup, WebError> {
    let nav = teacher.nav();
    let who = teacher.who().clone();
    let now = teacher.app().now().utc();
    let base = base_url(teacher.app(), &headers);
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let secret = crate::accounts::invite(store, Purpose::Join(class.id), Some(who.user.id), now)?;
            let link = format!("{base}/join/{secret}");
            Ok(frame(&nav, "Invitation", "/classes", html! {
                h1 { "An invitation to " (class.name) }
                p { "Send this link to one learner. It works once, for " (INVITE_DAYS) " days; recall keeps no copy of it." }
                p.secret #invite-link { (link) }
                form method="post" action={ "/classes/" (class.id) "/invite" } {
                    (token(&who.token))
                    button.secondary type="submit" { "Make another" }
                }
                p { a href={ "/classes/" (class.id) } { "Back to the class" } }
            }))
        })
        .await
}

/// `POST /classes/ID/decks`: assigns an installed deck to the class.
pub async fn assign(
    teacher: Teacher,
    Path(raw): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    let who = teacher.who().clone();
    let deck = DeckId::from(fields.get("deck").unwrap_or("").trim());
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            if store.deck_version(&deck)?.is_none() {
                return Err(WebError::not_found(format!(
                    "no deck {:?} is installed",
                    deck.as_str()
                )));
            }
            store.assign_deck(class.id, &deck)?;
            Ok(see_other(&format!("/classes/{}", class.id)))
        })
        .await
}

/// Whether `who` may publish over the deck `id`: a new id, or one they
/// published (an administrator, any).
fn may_publish(store: &dyn Store, who: &Who, id: &DeckId) -> Result<(), WebError> {
    if who.role == Some(Role::Admin) || store.deck_version(id)?.is_none() {
        return Ok(());
    }
    match store.deck_owner(id)? {
        Some(owner) if owner == who.user.id => Ok(()),
        Some(_) => Err(WebError::forbidden(format!(
            "the deck {:?} belongs to another instructor: give yours another id",
            id.as_str()
        ))),
        None => Err(WebError::forbidden(format!(
            "the deck {:?} was installed by the administrator: give yours another id",
            id.as_str()
        ))),
    }
}

fn changes_list(title: &str, cards: &[crate::deck::Named]) -> Markup {
    html! {
        @if !cards.is_empty() {
            h3 { (title) " (" (cards.len()) ")" }
            ul { @for c in cards { li { (c.prompt) " " small.muted { (c.id) } } } }
        }
    }
}

/// `POST /classes/ID/publish`: a deck file, checked; what it would change
/// is shown with a button to publish it.
pub async fn publish(
    teacher: Teacher,
    Extension(Token(expected)): Extension<Token>,
    Path(raw): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    let (name, bytes) = upload(&expected, multipart).await?;
    let checked = checked(name.clone(), bytes).await?;
    let nav = teacher.nav();
    let who = teacher.who().clone();
    let app = teacher.app().clone();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let back = html! { p { a href={ "/classes/" (class.id) } { "Back to the class" } } };
            let Some(deck) = checked.deck else {
                let page = frame(&nav, "Deck refused", "/classes", html! {
                    h1 { "Publish a deck" }
                    (refused(&name, &checked.errors))
                    (back)
                });
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            };
            let id = DeckId::from(deck.info.id.as_str());
            may_publish(store, &who, &id)?;
            let installed = store.deck_cards(&id)?;
            let previous = store.deck_version(&id)?;
            if let Some(installed) = previous.filter(|v| *v > deck.info.version) {
                return Err(WebError::bad_request(format!(
                    "{name}: version {} is older than the installed version {installed}; \
                     give the file a version of {installed} or more to update the deck",
                    deck.info.version
                )));
            }
            let changes: Changes = crate::deck::changes(&installed, &deck);
            let key = new_secret();
            let page = frame(&nav, "Publish a deck", "/classes", html! {
                h1 { "Publish " (deck.info.title) }
                p { (deck.info.id) " version " (deck.info.version)
                    @if let Some(v) = previous { " (installed: version " (v) ")" } @else { " (new to this server)" }
                    " for " strong { (class.name) } }
                @if !checked.warnings.is_empty() {
                    h2 { "Warnings" }
                    ul.diagnostics { @for w in &checked.warnings { li { (w) } } }
                }
                h2 { "What changes" }
                @if changes.is_empty() { p { "No card changes." } }
                (changes_list("Added", &changes.added))
                (changes_list("Edited: learners keep their history", &changes.edited))
                (changes_list("Retired: history kept, no longer drilled", &changes.retired))
                p.muted { (changes.unchanged) " cards as they were." }
                form method="post" action={ "/classes/" (class.id) "/publish/confirm" } {
                    (token(&who.token))
                    input type="hidden" name="pending" value=(key);
                    button type="submit" { "Publish it" }
                }
                (back)
            });
            let mut pending = app
                .shared
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // One deck waits per publisher: a new check replaces the last.
            pending.retain(|_, p| p.owner != who.user.id);
            pending.insert(
                key,
                Pending {
                    owner: who.user.id,
                    class: class.id,
                    deck,
                },
            );
            Ok(page.into_response())
        })
        .await
}

/// `POST /classes/ID/publish/confirm`: installs the deck checked, owned
/// by its publisher and assigned to the class.
pub async fn confirm(
    teacher: Teacher,
    Path(raw): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    let key = fields.get("pending").unwrap_or("").to_string();
    let nav = teacher.nav();
    let who = teacher.who().clone();
    let app = teacher.app().clone();
    let now = app.now().utc();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let pending = {
                let mut all = app
                    .shared
                    .pending
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                match all.get(&key) {
                    Some(p) if p.owner == who.user.id && p.class == class.id => all.remove(&key),
                    _ => None,
                }
            };
            let Some(pending) = pending else {
                return Err(WebError::not_found(
                    "that deck is not waiting to be published (published already, or checked again since): upload it again",
                ));
            };
            let id = DeckId::from(pending.deck.info.id.as_str());
            may_publish(store, &who, &id)?;
            let report = store.install_deck(&pending.deck, now)?;
            if store.deck_owner(&id)?.is_none() || who.role != Some(Role::Admin) {
                store.set_deck_owner(&id, who.user.id)?;
            }
            store.assign_deck(class.id, &id)?;
            Ok(frame(&nav, "Deck published", "/classes", html! {
                h1 { "Published" }
                div.notice role="status" { p { (report.to_string()) } }
                p { a href={ "/classes/" (class.id) } { "Back to " (class.name) } }
            })
            .into_response())
        })
        .await
}

/// `GET /classes/ID/learners/USER`: a learner's own report, for their
/// instructor.
pub async fn learner(
    teacher: Teacher,
    Path((raw, user)): Path<(String, String)>,
    query: Result<Query<Board>, QueryRejection>,
) -> Result<Markup, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let nav = teacher.nav();
    let who = teacher.who().clone();
    let now = teacher.app().now();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let missing = || WebError::not_found("no learner with that number is in this class");
            let id = user.parse::<i64>().map(UserId).map_err(|_| missing())?;
            let member = store
                .members(class.id)?
                .into_iter()
                .find(|m| m.user.id == id)
                .ok_or_else(missing)?;
            let days = bounded(query.days.as_deref(), "days", 1, 36_500, 30)?;
            let today = now.study_day(member.user.rollover);
            let window = Window::of(None, Some(days), today).map_err(crate::Error::Usage)?;
            let report = report::load(
                store,
                std::slice::from_ref(&member.user),
                None,
                window,
                false,
            )?;
            Ok(frame(
                &nav,
                &member.user.name,
                "/classes",
                html! {
                    p { a href={ "/classes/" (class.id) } { "← " (class.name) } }
                    h1 { (member.user.name) }
                    (PreEscaped(report_html::body(&report)))
                },
            ))
        })
        .await
}

/// The exports' query.
#[derive(Debug, Deserialize)]
pub struct Export {
    table: Option<String>,
    #[serde(flatten)]
    board: Board,
}

/// `GET /classes/ID/export.json`: the whole dashboard.
pub async fn export_json(
    teacher: Teacher,
    Path(raw): Path<String>,
    query: Result<Query<Board>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let who = teacher.who().clone();
    let now = teacher.app().now();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let (board, _) = board_of(store, &class, &query, now, Detail::Full)?;
            let json = serde_json::to_string_pretty(&board)
                .map_err(|e| WebError::internal(format!("cannot write JSON: {e}")))?;
            Ok(download("application/json", &class, "json", json))
        })
        .await
}

/// `GET /classes/ID/export.csv?table=heat|exams|failed|members`.
pub async fn export_csv(
    teacher: Teacher,
    Path(raw): Path<String>,
    query: Result<Query<Export>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.map_err(|_| WebError::bad_request("the address is malformed"))?;
    let table = query.table.clone().unwrap_or_else(|| "heat".to_string());
    if !["heat", "exams", "failed", "members"].contains(&table.as_str()) {
        return Err(WebError::bad_request(
            "table must be heat, exams, failed or members",
        ));
    }
    let who = teacher.who().clone();
    let now = teacher.app().now();
    teacher
        .app()
        .admin(move |store, _| {
            let class = owned(store, &who, &raw)?;
            let (board, _) = board_of(store, &class, &query.board, now, Detail::Retention)?;
            let csv = csv_of(&board, &table)
                .map_err(|e| WebError::internal(format!("cannot write CSV: {e}")))?;
            Ok(download("text/csv; charset=utf-8", &class, "csv", csv))
        })
        .await
}

/// A cell a spreadsheet will not run: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return (a formula, to Excel and its kin) gets
/// a leading `'`. Names and cards are written by learners and
/// instructors.
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn csv_of(board: &Dashboard, table: &str) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let opt = |v: Option<f64>| v.map_or_else(String::new, |r| format!("{r:.4}"));
    match table {
        "heat" => {
            w.write_record([
                "learner",
                "deck",
                "area",
                "name",
                "retention",
                "reviews",
                "passed",
                "exam_percent",
            ])?;
            for s in &board.report.users {
                for f in s.areas.iter().chain(std::iter::once(&s.total)) {
                    w.write_record([
                        &cell(&s.user),
                        &*f.deck,
                        &f.area,
                        &cell(&f.name),
                        &opt(f.reviews.retention),
                        &f.reviews.reviews.to_string(),
                        &f.reviews.passed.to_string(),
                        &f.exam
                            .as_ref()
                            .map_or_else(String::new, |e| e.percent.to_string()),
                    ])?;
                }
            }
        }
        "exams" => {
            w.write_record(["area", "name", "learners", "correct", "total", "percent"])?;
            for e in &board.exams {
                w.write_record([
                    e.area.as_str(),
                    &cell(&e.name),
                    &e.learners.to_string(),
                    &e.correct.to_string(),
                    &e.total.to_string(),
                    &e.percent.map_or_else(String::new, |p| p.to_string()),
                ])?;
            }
        }
        "failed" => {
            w.write_record([
                "deck", "card", "area", "prompt", "failed", "answers", "learners",
            ])?;
            for f in &board.failed {
                w.write_record([
                    f.deck.as_str(),
                    &f.card,
                    &cell(&f.area),
                    &cell(&f.prompt),
                    &f.failed.to_string(),
                    &f.answers.to_string(),
                    &f.learners.to_string(),
                ])?;
            }
        }
        _ => {
            w.write_record(["learner", "last_review", "idle"])?;
            for m in &board.members {
                w.write_record([
                    &*cell(&m.learner),
                    m.last_review.as_deref().unwrap_or(""),
                    if m.idle { "yes" } else { "no" },
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A file to download, named after the class.
fn download(kind: &'static str, class: &Class, ext: &str, body: String) -> Response {
    let name = format!("class-{}.{ext}", class.id);
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A request from an administrator.
pub(crate) struct Admin {
    desk: Desk,
}

impl FromRequestParts<App> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Admin, WebError> {
        let desk = Desk::from_request_parts(parts, app).await?;
        if desk.who.role == Some(Role::Admin) {
            Ok(Admin { desk })
        } else {
            Err(WebError::forbidden("only an administrator may do this"))
        }
    }
}

fn accounts_page(
    store: &dyn Store,
    desk: &Desk,
    made: Option<(String, String)>,
) -> Result<Markup, WebError> {
    let accounts = store.accounts()?;
    let tok = desk.who.token.clone();
    Ok(frame(
        &desk.nav(),
        "Accounts",
        "/admin",
        html! {
            h1 { "Accounts" }
            @if let Some((name, link)) = &made {
                div.notice role="status" {
                    p { "Made the account " strong { (name) } ". Send them this link to choose their password; it works once, for " (INVITE_DAYS) " days:" }
                    p.secret #invite-link { (link) }
                }
            }
            div.scroll { table {
                thead { tr { th scope="col" { "name" } th scope="col" { "role" } th scope="col" { "password" } } }
                tbody { @for a in &accounts {
                    tr { td { (a.user.name) } td { (a.role) } td { @if a.password.is_some() { "set" } @else { "not yet" } } }
                } }
            } }
            form.stack method="post" action="/admin" {
                h2 { "A new account" }
                (token(&tok))
                label { "Name " input type="text" name="name" required maxlength="64"; }
                label { "Role "
                    select name="role" { @for r in Role::ALL { option value=(r.name()) selected[r == Role::Instructor] { (r.name()) } } }
                }
                button type="submit" { "Make the account" }
            }
        },
    ))
}

/// `GET /admin`: every account, and a form for a new one.
pub async fn admin(admin: Admin) -> Result<Markup, WebError> {
    let desk = admin.desk.clone();
    admin
        .desk
        .app
        .admin(move |store, _| accounts_page(store, &desk, None))
        .await
}

/// `POST /admin`: a new account, with a link for its owner to set their
/// password.
pub async fn add_account(
    admin: Admin,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Markup, WebError> {
    let name = fields.get("name").unwrap_or("").trim().to_string();
    crate::store::check_user_name(&name).map_err(WebError::bad_request)?;
    let role: Role = fields
        .get("role")
        .unwrap_or("")
        .parse()
        .map_err(WebError::bad_request)?;
    let desk = admin.desk.clone();
    let base = base_url(&desk.app, &headers);
    let now = desk.app.now().utc();
    admin
        .desk
        .app
        .admin(move |store, _| {
            let (_, secret) =
                crate::accounts::add_account(store, &name, role, Some(desk.who.user.id), now)?;
            accounts_page(store, &desk, Some((name, format!("{base}/join/{secret}"))))
        })
        .await
}
