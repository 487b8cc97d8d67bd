//! Who a request is from, on a class server: logging in and out,
//! invitations, changing a password; password hashes, login cookies,
//! throttled attempts, and the request log.
//!
//! A login is a random secret in a cookie (`HttpOnly`, `SameSite=Strict`,
//! `Secure` over HTTPS) that the database knows only by its SHA-256; it
//! expires after [`LOGIN_DAYS`] and ends on logout and on a new password.
//! A form on a logged-in page carries its login's token; a form on a
//! logged-out page (login, invitation) carries the value of a cookie set
//! with it (double submit). Passwords are hashed and checked by the
//! rules in [`crate::accounts`], and never logged.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use cookie::{Cookie, SameSite};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{page as frame, token};
use super::{App, Desk, Fields, Nav, WebError, Who, blocking, see_other};
use crate::accounts::{
    SHORTEST_PASSWORD, check_password, decoy_hash, hash_password, is_secret, new_secret,
    secret_hash, verify_password,
};
use crate::store::{Invite, Login, Redeemer, Role};

/// How long a login lasts.
pub const LOGIN_DAYS: i64 = 14;

/// Failed logins allowed per account, and per address, in a minute; the
/// next is refused without looking at the password.
pub const ATTEMPTS_PER_MINUTE: usize = 10;

/// The login cookie.
const LOGIN_COOKIE: &str = "recall_login";

/// The cookie a logged-out page's form repeats.
const FORM_COOKIE: &str = "recall_form";

/// Failed logins in the last minute, by account and by address.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: HashMap<String, VecDeque<DateTime<Utc>>>,
}

impl Throttle {
    fn recent(&mut self, key: &str, now: DateTime<Utc>) -> usize {
        let Some(times) = self.failures.get_mut(key) else {
            return 0;
        };
        while times
            .front()
            .is_some_and(|t| now - *t >= chrono::Duration::minutes(1))
        {
            times.pop_front();
        }
        let n = times.len();
        if n == 0 {
            self.failures.remove(key);
        }
        n
    }

    /// Takes an attempt for `keys`, counted as a failure until
    /// [`Throttle::succeeded`] says otherwise; `false` (and nothing
    /// counted) when any of them has had its fill in the last minute.
    /// Counting before the password is checked, under the one lock, means
    /// attempts made at once cannot all pass the check before any is
    /// counted.
    fn attempt(&mut self, keys: &[String], now: DateTime<Utc>) -> bool {
        if keys
            .iter()
            .any(|k| self.recent(k, now) >= ATTEMPTS_PER_MINUTE)
        {
            return false;
        }
        for k in keys {
            self.failures.entry(k.clone()).or_default().push_back(now);
        }
        true
    }

    /// The attempt taken at `now` succeeded: it no longer counts.
    fn succeeded(&mut self, keys: &[String], now: DateTime<Utc>) {
        for k in keys {
            if let Some(times) = self.failures.get_mut(k) {
                if let Some(i) = times.iter().rposition(|t| *t == now) {
                    times.remove(i);
                }
            }
        }
    }
}

/// Takes a password attempt for `keys` from the app's throttle.
fn attempt(app: &App, keys: &[String], now: DateTime<Utc>) -> bool {
    app.shared
        .throttle
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .attempt(keys, now)
}

/// The attempt succeeded.
fn succeeded(app: &App, keys: &[String], now: DateTime<Utc>) {
    app.shared
        .throttle
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .succeeded(keys, now);
}

/// The address a request came from: the peer, or behind a trusted proxy
/// the address it reports (the last `X-Forwarded-For` entry, the one it
/// added).
fn client(app: &App, request_headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    let proxied = app.shared.class.is_some_and(|c| c.behind_proxy);
    if proxied {
        if let Some(addr) = request_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
        {
            return addr.to_string();
        }
    }
    peer.map_or_else(|| "unknown".to_string(), |p| p.ip().to_string())
}

/// The value of cookie `name`.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The logged-out forms' cookie, if the browser sent it.
pub(super) fn form_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, FORM_COOKIE).filter(|v| v.len() == 32)
}

/// A `Set-Cookie` value.
fn set_cookie(app: &App, name: &str, value: &str, max_age: chrono::Duration) -> HeaderValue {
    let secure = app.shared.class.is_some_and(|c| c.https);
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age.num_seconds()))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// Who a request is from: the local learner; on a class server, the
/// account of its login cookie, if that login is current.
pub(super) async fn who(app: &App, headers: &HeaderMap) -> Result<Option<Who>, WebError> {
    if !app.is_class() {
        return Ok(app.shared.local.as_ref().map(|user| Who {
            user: user.clone(),
            role: None,
            token: app.shared.config.token.clone(),
            login: None,
        }));
    }
    let Some(secret) = cookie_value(headers, LOGIN_COOKIE) else {
        return Ok(None);
    };
    let hash = secret_hash(&secret);
    let now = app.now().utc();
    app.admin(move |store, _| {
        Ok(store.login(&hash, now)?.map(|(login, account)| Who {
            user: account.user,
            role: Some(account.role),
            token: login.csrf,
            login: Some(login.token_hash),
        }))
    })
    .await
}

/// Records a new login for `user`, lasting `lasts`: its secret, which
/// nothing keeps.
pub(super) async fn new_login(
    app: &App,
    user: crate::store::UserId,
    lasts: chrono::Duration,
) -> Result<String, WebError> {
    let secret = new_secret();
    let now = app.now().utc();
    let login = Login {
        token_hash: secret_hash(&secret),
        user,
        csrf: super::new_token(),
        created: now,
        expires: now + lasts,
    };
    app.admin(move |store, _| Ok(store.add_login(&login)?))
        .await?;
    Ok(secret)
}

/// Makes a login for `user` and the response that sets its cookie and
/// goes to `to`.
async fn logged_in(app: &App, user: crate::store::UserId, to: &str) -> Result<Response, WebError> {
    let secret = new_login(app, user, chrono::Duration::days(LOGIN_DAYS)).await?;
    let mut response = see_other(to);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            app,
            LOGIN_COOKIE,
            &secret,
            chrono::Duration::days(LOGIN_DAYS),
        ),
    );
    headers.append(
        header::SET_COOKIE,
        set_cookie(app, FORM_COOKIE, "", chrono::Duration::zero()),
    );
    Ok(response)
}

/// A logged-out page: its form token (the cookie's, or a new one that the
/// response sets).
fn logged_out_page(
    app: &App,
    headers: &HeaderMap,
    status: StatusCode,
    page: impl FnOnce(&str) -> Markup,
) -> Response {
    let (value, fresh) = match form_cookie(headers) {
        Some(v) => (v, false),
        None => (super::new_token(), true),
    };
    let mut response = (status, page(&value)).into_response();
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(app, FORM_COOKIE, &value, chrono::Duration::hours(12)),
        );
    }
    response
}

/// Where to go after logging in: a path on this server, never elsewhere.
fn next_path(next: Option<&str>) -> String {
    // A path of plain characters only: a tab, a backslash or a second
    // slash at the start would let a browser read it as another site.
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-_.~%?=&".contains(c);
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && n.chars().all(plain) => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The login page's query.
#[derive(Debug, Deserialize)]
pub struct Back {
    next: Option<String>,
}

fn login_form(tok: &str, next: &str, name: &str, problem: Option<&str>) -> Markup {
    frame(
        &Nav {
            class: true,
            ..Nav::default()
        },
        "Log in",
        "/login",
        html! {
            h1 { "Log in" }
            @if let Some(p) = problem {
                div.notice.error role="alert" { p { (p) } }
            }
            form.stack method="post" action="/login" {
                (token(tok))
                input type="hidden" name="next" value=(next);
                label { "Name " input type="text" name="name" value=(name) required autocomplete="username" autofocus; }
                label { "Password " input type="password" name="password" required autocomplete="current-password"; }
                button type="submit" { "Log in" }
            }
            p.muted { "New here? Ask your instructor for an invitation link." }
        },
    )
}

/// `GET /login`.
pub async fn login_page(
    State(app): State<App>,
    headers: HeaderMap,
    who: Option<axum::Extension<Who>>,
    query: Result<Query<Back>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = next_path(query.ok().and_then(|q| q.0.next).as_deref());
    if who.is_some() {
        return see_other(&next);
    }
    logged_out_page(&app, &headers, StatusCode::OK, |tok| {
        login_form(tok, &next, "", None)
    })
}

/// What a name and password came to.
pub(super) enum Credentials {
    /// They match this account, whose user it is.
    Match(crate::store::UserId),
    /// They do not; `known` when the name is an account's.
    Wrong {
        /// Whether the name is an account's.
        known: bool,
    },
}

/// Checks a name and password against the accounts, throttled per
/// account and per address: 429 when either has had its fill of failures
/// this minute (the password is then not looked at). A wrong name takes
/// as long as a wrong password.
pub(super) async fn credentials(
    app: &App,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    name: &str,
    password: String,
) -> Result<Credentials, WebError> {
    let keys = vec![
        format!("account:{}", name.to_lowercase()),
        format!("address:{}", client(app, headers, peer)),
    ];
    let now = app.now().utc();
    if !attempt(app, &keys, now) {
        return Err(WebError::too_many(
            "too many failed logins for this account or from this address: wait a minute, then try again",
        ));
    }
    let lookup = name.to_string();
    let account = app
        .admin(move |store, _| Ok(store.account_named(&lookup)?))
        .await?;
    let user = account.as_ref().map(|a| a.user.id);
    let hash = account
        .and_then(|a| a.password)
        .unwrap_or_else(|| decoy_hash().to_string());
    let matched = blocking(move || Ok(verify_password(&hash, &password))).await?;
    Ok(match user.filter(|_| matched) {
        Some(user) => {
            succeeded(app, &keys, now);
            Credentials::Match(user)
        }
        None => Credentials::Wrong {
            known: user.is_some(),
        },
    })
}

/// `POST /login`: checks the name and password, unless this account or
/// address has failed too often in the last minute.
pub async fn log_in(
    State(app): State<App>,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    fields: Fields,
) -> Result<Response, WebError> {
    let name = fields.get("name").unwrap_or("").trim().to_string();
    let password = fields.get("password").unwrap_or("").to_string();
    let next = next_path(fields.get("next"));
    let peer = peer.map(|c| (c.0).0);
    match credentials(&app, &headers, peer, &name, password).await? {
        Credentials::Match(user) => logged_in(&app, user, &next).await,
        Credentials::Wrong { known } => {
            // What was typed as a name is logged only when it is one: a
            // password typed in the wrong field is not.
            let who = if known {
                format!("account {:?}", crate::text::clean(&name))
            } else {
                "an unknown name".to_string()
            };
            eprintln!(
                "recall: failed login for {who} from {}",
                client(&app, &headers, peer)
            );
            let tok = fields.get("token").unwrap_or("").to_string();
            Ok((
                StatusCode::UNAUTHORIZED,
                login_form(
                    &tok,
                    &next,
                    &name,
                    Some("That name and password do not match an account."),
                ),
            )
                .into_response())
        }
    }
}

/// `POST /logout`: ends this login, here and on the server.
pub async fn log_out(desk: Desk, _fields: Fields) -> Result<Response, WebError> {
    if let Some(hash) = desk.who.login.clone() {
        desk.app
            .admin(move |store, _| Ok(store.end_login(&hash)?))
            .await?;
    }
    let mut response = see_other("/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&desk.app, LOGIN_COOKIE, "", chrono::Duration::zero()),
    );
    Ok(response)
}

/// The invitation behind a link, with the class it joins.
async fn invitation(
    app: &App,
    secret: &str,
) -> Result<(Invite, Option<crate::store::Class>, Option<String>), WebError> {
    if !is_secret(secret) {
        return Err(WebError::not_found(
            "this invitation link is not one recall made",
        ));
    }
    let hash = secret_hash(secret);
    let now = app.now().utc();
    app.admin(move |store, _| {
        let invite = store.invite(&hash, now)?.ok_or_else(|| {
            WebError::not_found(
                "this invitation link has been used or has expired: ask for a new one",
            )
        })?;
        let class = match invite.class {
            Some(id) => store.class(id)?,
            None => None,
        };
        let name = match invite.user {
            Some(id) => store.account(id)?.map(|a| a.user.name),
            None => None,
        };
        Ok((invite, class, name))
    })
    .await
}

fn join_form(
    secret: &str,
    tok: &str,
    invite: &Invite,
    class: Option<&crate::store::Class>,
    name: Option<&str>,
    problem: Option<&str>,
) -> Markup {
    let action = format!("/join/{secret}");
    frame(
        &Nav {
            class: true,
            ..Nav::default()
        },
        "Join",
        "/join",
        html! {
            h1 {
                @match (class, name, invite.role) {
                    (Some(c), _, _) => { "Join " (c.name) }
                    (None, Some(n), _) => { "Set the password of " (n) }
                    (None, None, Role::Admin) => { "Set up this server" }
                    (None, None, role) => { "Make your " (role) " account" }
                }
            }
            @if let Some(c) = class {
                p { "An invitation from " (c.instructor_name) " to study with the class " strong { (c.name) } "." }
            }
            @if invite.role == Role::Admin && name.is_none() {
                p { "Choose the administrator's name and password. This link works once." }
            }
            @if let Some(p) = problem {
                div.notice.error role="alert" { p { (p) } }
            }
            form.stack method="post" action=(action) {
                (token(tok))
                @if name.is_none() {
                    label { "Your name " input type="text" name="name" required maxlength="64" autocomplete="username"; }
                }
                label { "Password (at least " (SHORTEST_PASSWORD) " characters) "
                    input type="password" name="password" required minlength=(SHORTEST_PASSWORD) autocomplete="new-password"; }
                label { "The password again " input type="password" name="again" required autocomplete="new-password"; }
                button type="submit" { "Continue" }
            }
            @if class.is_some() {
                p.muted { "Already have an account? " a href={ "/login?next=" (action) } { "Log in" } " first, then open this link again." }
            }
        },
    )
}

/// `GET /join/SECRET`: an invitation.
pub async fn join_page(
    State(app): State<App>,
    headers: HeaderMap,
    who: Option<axum::Extension<Who>>,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let (invite, class, name) = invitation(&app, &secret).await?;
    if let (Some(axum::Extension(who)), Some(c)) = (who, class.as_ref()) {
        if invite.user.is_none() {
            let nav = app.nav(Some(&who));
            let action = format!("/join/{secret}");
            return Ok(frame(&nav, "Join", "/join", html! {
                h1 { "Join " (c.name) }
                p { "An invitation from " (c.instructor_name) " to study with the class " strong { (c.name) } "." }
                form method="post" action=(action) {
                    (token(&who.token))
                    button type="submit" { "Join as " (who.user.name) }
                }
            })
            .into_response());
        }
    }
    Ok(logged_out_page(&app, &headers, StatusCode::OK, |tok| {
        join_form(&secret, tok, &invite, class.as_ref(), name.as_deref(), None)
    }))
}

/// Checks a new password and its repetition.
fn new_password(fields: &Fields) -> Result<String, String> {
    let password = fields.get("password").unwrap_or("");
    check_password(password)?;
    if password != fields.get("again").unwrap_or("") {
        return Err("the two passwords differ".to_string());
    }
    Ok(password.to_string())
}

/// A password's hash, or a 500 if hashing fails.
fn hashed(password: &str) -> Result<String, WebError> {
    hash_password(password).ok_or_else(|| WebError::internal("the password could not be hashed"))
}

/// `POST /join/SECRET`: takes up an invitation: makes the account (or
/// sets its password, or joins the class) and logs in.
pub async fn join(
    State(app): State<App>,
    who: Option<axum::Extension<Who>>,
    Path(secret): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    let (invite, class, name) = invitation(&app, &secret).await?;
    let now = app.now().utc();
    let hash = secret_hash(&secret);
    if let Some(axum::Extension(who)) = who.filter(|_| invite.user.is_none() && class.is_some()) {
        let user = who.user.id;
        app.admin(move |store, _| {
            store
                .redeem_invite(&hash, Redeemer::Existing(user), now)?
                .ok_or_else(|| {
                    WebError::not_found("this invitation link has been used or has expired")
                })
        })
        .await?;
        return Ok(see_other("/"));
    }
    let tok = fields.get("token").unwrap_or("").to_string();
    let problem = |p: String| {
        (
            StatusCode::BAD_REQUEST,
            join_form(
                &secret,
                &tok,
                &invite,
                class.as_ref(),
                name.as_deref(),
                Some(&p),
            ),
        )
            .into_response()
    };
    let chosen = fields.get("name").unwrap_or("").trim().to_string();
    if name.is_none() {
        if let Err(e) = crate::store::check_user_name(&chosen) {
            return Ok(problem(e));
        }
    }
    let password = match new_password(&fields) {
        Ok(p) => p,
        Err(e) => return Ok(problem(e)),
    };
    let hashed = blocking(move || hashed(&password)).await?;
    let redeemed = app
        .admin(move |store, _| {
            match store.redeem_invite(
                &hash,
                Redeemer::New {
                    name: &chosen,
                    password: &hashed,
                },
                now,
            ) {
                Ok(account) => Ok(Ok(account)),
                Err(crate::store::StoreError::UserName(e)) => Ok(Err(e)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match redeemed {
        Ok(Some(account)) => logged_in(&app, account.user.id, "/").await,
        Ok(None) => Err(WebError::not_found(
            "this invitation link has been used or has expired: ask for a new one",
        )),
        Err(e) => Ok(problem(e)),
    }
}

/// `GET /account`: who is logged in, their classes, a new password.
pub async fn account(desk: Desk) -> Result<Markup, WebError> {
    let nav = desk.nav();
    let who = desk.who.clone();
    desk.app
        .admin(move |store, _| {
            let joined = store.classes_joined(who.user.id)?;
            Ok(frame(
                &nav,
                "Account",
                "/account",
                html! {
                    h1 { "Account" }
                    p { strong { (who.user.name) } " · " (who.role.map_or("learner", Role::name)) }
                    @if !joined.is_empty() {
                        h2 { "Your classes" }
                        ul { @for c in &joined { li { (c.name) " · " (c.instructor_name) } } }
                    }
                    (password_form(&who.token, None))
                },
            ))
        })
        .await
}

fn password_form(tok: &str, problem: Option<&str>) -> Markup {
    html! {
        h2 { "Change the password" }
        p.muted { "Every other browser logged in to this account is logged out." }
        @if let Some(p) = problem {
            div.notice.error role="alert" { p { (p) } }
        }
        form.stack method="post" action="/account" {
            (token(tok))
            label { "The password now " input type="password" name="current" required autocomplete="current-password"; }
            label { "The new password " input type="password" name="password" required minlength=(SHORTEST_PASSWORD) autocomplete="new-password"; }
            label { "The new password again " input type="password" name="again" required autocomplete="new-password"; }
            button type="submit" { "Change the password" }
        }
    }
}

/// `POST /account`: a new password; every login of the account ends, and
/// this browser gets a new one.
pub async fn change_password(
    desk: Desk,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    fields: Fields,
) -> Result<Response, WebError> {
    let app = desk.app.clone();
    let nav = desk.nav();
    let refuse = |p: String| {
        (
            StatusCode::BAD_REQUEST,
            frame(
                &nav,
                "Account",
                "/account",
                password_form(&desk.who.token, Some(&p)),
            ),
        )
            .into_response()
    };
    let keys = vec![
        format!("account:{}", desk.who.user.name.to_lowercase()),
        format!("address:{}", client(&app, &headers, peer.map(|c| (c.0).0))),
    ];
    let now = app.now().utc();
    let password = match new_password(&fields) {
        Ok(p) => p,
        Err(e) => return Ok(refuse(e)),
    };
    if !attempt(&app, &keys, now) {
        return Err(WebError::too_many(
            "too many wrong passwords for this account: wait a minute, then try again",
        ));
    }
    let user = desk.who.user.id;
    let current = fields.get("current").unwrap_or("").to_string();
    let stored = app
        .admin(move |store, _| Ok(store.account(user)?.and_then(|a| a.password)))
        .await?
        .unwrap_or_else(|| decoy_hash().to_string());
    if !blocking(move || Ok(verify_password(&stored, &current))).await? {
        return Ok(refuse("the password now is not right".to_string()));
    }
    succeeded(&app, &keys, now);
    let hashed = blocking(move || hashed(&password)).await?;
    app.admin(move |store, _| Ok(store.set_password(user, &hashed, now)?))
        .await?;
    logged_in(&app, user, "/account").await
}

/// Who made a request, as its log line names them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Logged(pub crate::store::UserId);

/// Logs each request on a class server: one line of `key=value` pairs
/// with the route (never the path itself, which may hold an invitation's
/// secret, nor the query or any header), the status, the time taken and
/// the user.
pub(super) async fn log_request(State(app): State<App>, request: Request, next: Next) -> Response {
    let log = app.shared.class.is_some_and(|c| c.log);
    if !log {
        return next.run(request).await;
    }
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "-".to_string(), |m| m.as_str().to_string());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let address = client(&app, request.headers(), peer);
    let response = next.run(request).await;
    let user = response
        .extensions()
        .get::<Logged>()
        .map_or_else(|| "-".to_string(), |l| l.0.0.to_string());
    eprintln!(
        "at={} method={method} route={route} status={} ms={:.1} user={user} address={address}",
        app.now()
            .utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}
