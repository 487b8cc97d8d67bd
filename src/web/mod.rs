//! The web front end (`recall serve`): the learner's drill, quiz, exam,
//! report and decks as server-rendered pages over the same engine and the
//! same database as the terminal.
//!
//! Pages are plain HTML forms that work without JavaScript (POST, then a
//! redirect to a GET), escaped by construction (maud); a small script adds
//! keys. Every answer is committed before the next card is sent, and names
//! the presentation it answers, so a reload or a second tab never records
//! it twice. The server listens on the loopback address only, and accepts
//! a request only when its `Host` is that address, a POST only when its
//! `Origin` (if any) is too and it carries the token made at start: a web
//! page the learner visits can neither read nor post (DNS rebinding,
//! CSRF). Decisions are the engine's (`session`, `report`); this module
//! only drives it and renders.

mod api;
mod auth;
mod class;
mod decks;
mod exam;
mod form;
mod layout;
mod pool;
mod quiz;
mod study;
mod today;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::Markup;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::sched::Now;
use crate::session::{Drill, ExamRun, Finished, Quiz};
use crate::store::{Access, Db, Role, Store, StoreError, User, UserId};

pub use form::Fields;
pub use layout::Nav;

/// The time, read at each request: the system clock, or a fixed instant
/// in tests and scripted runs.
pub type Clock = Arc<dyn Fn() -> Now + Send + Sync>;

/// What the server is started with.
pub struct Config {
    /// The database: an SQLite file, or a `postgres://` URL.
    pub db: PathBuf,
    /// The learner whose drills these are (added on first use).
    pub user: String,
    /// The time.
    pub clock: Clock,
    /// The secret every form carries: made at start, never stored.
    pub token: String,
}

/// What a class server is started with.
pub struct ClassConfig {
    /// The database: an SQLite file, or a `postgres://` URL.
    pub db: PathBuf,
    /// The time.
    pub clock: Clock,
    /// Whether browsers reach the server over HTTPS (TLS here, or at a
    /// reverse proxy): login cookies are then marked `Secure`.
    pub https: bool,
    /// Whether a reverse proxy's `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are trusted (only behind one: anyone can send
    /// them).
    pub behind_proxy: bool,
    /// Whether each request is logged, one line on standard error.
    pub log: bool,
}

/// How a class server differs from the local one.
#[derive(Debug, Clone, Copy)]
struct ClassOptions {
    https: bool,
    behind_proxy: bool,
    log: bool,
}

/// A fresh token: 128 random bits as 32 hex digits.
pub fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The largest request body a form may send (a deck file excepted).
const BODY_LIMIT: usize = 64 * 1024;

/// The largest deck file that may be uploaded.
const DECK_LIMIT: usize = 8 * 1024 * 1024;

/// The server: its configuration and each learner's open sessions.
#[derive(Clone)]
pub struct App {
    shared: Arc<Shared>,
}

struct Shared {
    config: Config,
    /// The learner of a local server.
    local: Option<User>,
    /// `None` for the local learner's server.
    class: Option<ClassOptions>,
    /// The connection for what is not one learner's: logins, accounts,
    /// classes, dashboards.
    admin: Mutex<Db>,
    /// The connections learners' requests take turns with.
    pool: pool::Pool,
    /// Each learner's desk, made at their first request: one lock per
    /// learner, so learners never wait for each other's pages.
    desks: Mutex<HashMap<UserId, Arc<Mutex<Inner>>>>,
    /// Recent failed logins.
    throttle: Mutex<auth::Throttle>,
    /// Decks uploaded and checked, waiting for their publisher to confirm.
    pending: Mutex<HashMap<String, class::Pending>>,
}

/// One learner's desk: the sessions they have in progress, and while one
/// of their requests runs, a connection to the database.
pub(crate) struct Inner {
    store: pool::Conn,
    user: User,
    drill: Option<DrillPage>,
    quiz: Option<QuizPage>,
    exam: Option<ExamPage>,
    /// Sessions started so far: each is numbered, and a form names the
    /// session it answers.
    runs: u64,
}

impl Inner {
    fn new(user: User) -> Inner {
        Inner {
            store: pool::Conn::default(),
            user,
            drill: None,
            quiz: None,
            exam: None,
            runs: 0,
        }
    }
}

/// Who a request is from: the local learner, or the account of a login.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    user: User,
    /// `None` on the local learner's server.
    role: Option<Role>,
    /// The token their forms carry.
    token: String,
    /// The digest of their login cookie, if logged in.
    login: Option<String>,
}

/// A learner's request: the app and who it is for. A request without a
/// login is sent to the login page.
#[derive(Clone)]
pub(crate) struct Desk {
    app: App,
    who: Who,
}

impl FromRequestParts<App> for Desk {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Desk, WebError> {
        match parts.extensions.get::<Who>() {
            Some(who) => Ok(Desk {
                app: app.clone(),
                who: who.clone(),
            }),
            None => Err(WebError::log_in(parts.uri.path())),
        }
    }
}

impl Desk {
    /// Runs `f` on this learner's desk, holding its lock, on a thread
    /// where blocking on the database is allowed.
    async fn with<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Inner, &Config) -> Result<T, WebError> + Send + 'static,
    {
        let shared = self.app.shared.clone();
        let user = self.who.user.clone();
        blocking(move || {
            let desk = shared.desk(&user);
            // A handler that panicked left the state as it was at the
            // panic: every answer before it is committed, so carry on.
            let mut inner = desk.lock().unwrap_or_else(PoisonError::into_inner);
            let conn = shared.pool.get().map_err(|_| {
                WebError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the server is busy (every connection to the database is in use): \
                     nothing was saved; try again",
                )
            })?;
            inner.store.hold(conn);
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                f(&mut inner, &shared.config)
            }));
            inner.store.release();
            done.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .await
    }

    /// The form token, for pages.
    fn token(&self) -> &str {
        &self.who.token
    }

    /// The navigation of this learner's pages.
    fn nav(&self) -> Nav {
        self.app.nav(Some(&self.who))
    }
}

/// Runs `f` where blocking is allowed; a panic in it is a 500.
async fn blocking<T, F>(f: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, WebError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        eprintln!("recall: a request failed inside the server: {e}");
        WebError::internal("the server hit a bug on this request; nothing more was saved")
    })?
}

impl Shared {
    /// The desk of `user`, opened on their first request.
    fn desk(&self, user: &User) -> Arc<Mutex<Inner>> {
        let mut desks = self.desks.lock().unwrap_or_else(PoisonError::into_inner);
        desks
            .entry(user.id)
            .or_insert_with(|| Arc::new(Mutex::new(Inner::new(user.clone()))))
            .clone()
    }
}

/// A drill in progress, with what its page shows beyond the engine's
/// state.
pub(crate) struct DrillPage {
    /// This drill's number among the sessions the server started.
    run: u64,
    drill: Drill,
    /// The answer given to a judged card, shown with its correction until
    /// the learner grades it: (presentation, the answer as given, the
    /// verdict, the grade proposed).
    judged: Option<study::Judged>,
    /// When the current card was first sent, for the response time.
    shown: Option<(u64, chrono::DateTime<chrono::Utc>)>,
    /// How it ended, once it has.
    finished: Option<Finished>,
}

/// A quiz in progress.
pub(crate) struct QuizPage {
    run: u64,
    quiz: Quiz,
    /// The last answer's correction, shown above the next question.
    last: Option<quiz::Feedback>,
    shown: Option<(u64, chrono::DateTime<chrono::Utc>)>,
}

/// A mock exam in progress, or its result.
pub(crate) struct ExamPage {
    number: u64,
    run: ExamRun,
    end: Option<crate::session::ExamEnd>,
    shown: Option<(u64, chrono::DateTime<chrono::Utc>)>,
}

impl App {
    /// Opens the database (creating it, with the shipped deck and the
    /// learner, on a first use) and gets ready to serve.
    pub fn open(config: Config) -> crate::Result<App> {
        let now = (config.clock)();
        let (mut store, _) = crate::store::open_for_use(
            &config.db,
            Access::ReadWrite,
            Some(&config.user),
            now.utc(),
        )?;
        store.set_patience(std::time::Duration::from_secs(5))?;
        let user = store
            .user(&config.user)?
            .ok_or_else(|| crate::Error::UnknownUser(config.user.clone()))?;
        let mut admin = store.another()?;
        admin.set_patience(std::time::Duration::from_secs(5))?;
        let local = Some(user.clone());
        let desks = HashMap::from([(user.id, Arc::new(Mutex::new(Inner::new(user))))]);
        Ok(App::made(
            config,
            local,
            None,
            admin,
            pool::pool(store),
            desks,
        ))
    }

    /// Opens a class server's database (creating it, with the shipped
    /// deck, on a first use). When it has no administrator yet, a
    /// one-time link to create one comes back with it: the secret part of
    /// `/join/SECRET`, valid for a day.
    pub fn open_class(config: ClassConfig) -> crate::Result<(App, Option<String>)> {
        let now = (config.clock)();
        let (mut admin, _) =
            crate::store::open_for_use(&config.db, Access::ReadWrite, None, now.utc())?;
        admin.set_patience(std::time::Duration::from_secs(5))?;
        let setup = if admin.has_admin()? {
            None
        } else {
            Some(crate::accounts::invite(
                &mut *admin,
                crate::accounts::Purpose::Setup,
                None,
                now.utc(),
            )?)
        };
        let options = ClassOptions {
            https: config.https,
            behind_proxy: config.behind_proxy,
            log: config.log,
        };
        let local = Config {
            db: config.db,
            user: String::new(),
            clock: config.clock,
            token: String::new(),
        };
        let template = admin.another()?;
        Ok((
            App::made(
                local,
                None,
                Some(options),
                admin,
                pool::pool(template),
                HashMap::new(),
            ),
            setup,
        ))
    }

    fn made(
        config: Config,
        local: Option<User>,
        class: Option<ClassOptions>,
        admin: Db,
        pool: pool::Pool,
        desks: HashMap<UserId, Arc<Mutex<Inner>>>,
    ) -> App {
        App {
            shared: Arc::new(Shared {
                config,
                local,
                class,
                admin: Mutex::new(admin),
                pool,
                desks: Mutex::new(desks),
                throttle: Mutex::new(auth::Throttle::default()),
                pending: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Runs `f` on the connection for what is not one learner's, on a
    /// thread where blocking is allowed.
    async fn admin<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store, &Config) -> Result<T, WebError> + Send + 'static,
    {
        let shared = self.shared.clone();
        blocking(move || {
            let mut store = shared.admin.lock().unwrap_or_else(PoisonError::into_inner);
            // A connection the database server closed (it restarted) is
            // replaced, so the server recovers without a restart.
            if store.broken() {
                *store = store.another()?;
            }
            f(&mut **store, &shared.config)
        })
        .await
    }

    /// The time now.
    fn now(&self) -> Now {
        (self.shared.config.clock)()
    }

    /// Whether this is a class server.
    fn is_class(&self) -> bool {
        self.shared.class.is_some()
    }

    /// The navigation for `who`'s pages.
    fn nav(&self, who: Option<&Who>) -> Nav {
        Nav {
            class: self.is_class(),
            user: who.filter(|_| self.is_class()).map(|w| w.user.name.clone()),
            role: who.and_then(|w| w.role),
            token: who.map(|w| w.token.clone()).unwrap_or_default(),
        }
    }

    /// The routes, for a server bound to `addr`: requests naming any other
    /// host are refused.
    pub fn router(&self, addr: SocketAddr) -> Router {
        let guard = Guard {
            hosts: if self.is_class() {
                Vec::new()
            } else {
                allowed_hosts(addr)
            },
            app: self.clone(),
        };
        let router = if self.is_class() {
            Router::new()
                .route("/login", get(auth::login_page).post(auth::log_in))
                .route("/logout", post(auth::log_out))
                .route("/join/{secret}", get(auth::join_page).post(auth::join))
                .route("/account", get(auth::account).post(auth::change_password))
                .route("/classes", get(class::list).post(class::create))
                .route("/classes/{class}", get(class::dashboard))
                .route("/classes/{class}/invite", post(class::invite))
                .route("/classes/{class}/decks", post(class::assign))
                .route(
                    "/classes/{class}/publish",
                    post(class::publish).layer(DefaultBodyLimit::max(DECK_LIMIT)),
                )
                .route("/classes/{class}/publish/confirm", post(class::confirm))
                .route("/classes/{class}/learners/{user}", get(class::learner))
                .route("/classes/{class}/export.csv", get(class::export_csv))
                .route("/classes/{class}/export.json", get(class::export_json))
                .route("/admin", get(class::admin).post(class::add_account))
                .route("/api/devices", post(api::device))
                .route(
                    "/api/sync",
                    post(api::sync).layer(DefaultBodyLimit::max(api::SYNC_LIMIT)),
                )
        } else {
            Router::new().route(
                "/decks/add",
                post(decks::add).layer(DefaultBodyLimit::max(DECK_LIMIT)),
            )
        };
        router
            .route("/health", get(health))
            .route("/", get(today::page))
            .route("/report", get(today::report))
            .route("/drill", get(study::page))
            .route("/drill/start", post(study::start))
            .route("/drill/check", post(study::check))
            .route("/drill/grade", post(study::grade))
            .route("/drill/stop", post(study::stop))
            .route("/quiz", get(quiz::page))
            .route("/quiz/start", post(quiz::start))
            .route("/quiz/answer", post(quiz::answer))
            .route("/quiz/stop", post(quiz::stop))
            .route("/exam", get(exam::page))
            .route("/exam/start", post(exam::start))
            .route("/exam/answer", post(exam::answer))
            .route("/exam/stop", post(exam::stop))
            .route("/decks", get(decks::list))
            .route("/decks/{deck}", get(decks::show))
            .route("/decks/{deck}/cards/{card}", get(decks::card))
            .route("/static/app.css", get(layout::css))
            .route("/static/app.js", get(layout::js))
            .fallback(not_found)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(guard),
                check_request,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                auth::log_request,
            ))
            .layer(CatchPanicLayer::custom(panicked))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; \
                     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
                     base-uri 'none'",
                ),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                axum::http::HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ))
            .with_state(self.clone())
    }
}

/// The `Host` values a request to `addr` may carry.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![addr.to_string(), format!("localhost:{port}")];
    if addr.ip().is_loopback() && addr.is_ipv4() {
        hosts.push(format!("127.0.0.1:{port}"));
    }
    hosts.sort();
    hosts.dedup();
    hosts
}

/// What every request is checked against.
struct Guard {
    /// The `Host` values accepted; any, when empty (a class server, where
    /// a login cookie, not the address, is what gives access).
    hosts: Vec<String>,
    app: App,
}

/// Refuses a request whose `Host` is not the address the server bound (a
/// DNS-rebinding page), a POST whose `Origin` is another site's, or a
/// POST without the token (checked when its form is read); then finds
/// who the request is from.
async fn check_request(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let host = {
        // HTTP/2 names the host in the request's authority, not a header.
        let mut hosts = request.headers().get_all(header::HOST).iter();
        let authority = request.uri().authority().map(|a| a.as_str().to_string());
        match (hosts.next(), hosts.next(), authority) {
            (Some(host), None, _) => host.to_str().unwrap_or("").to_string(),
            (None, None, Some(authority)) => authority,
            _ => {
                return WebError::bad_request("a request names its host once (HTTP/1.1)")
                    .into_response();
            }
        }
    };
    // A page of another site may link here (an invitation in an e-mail),
    // but not load or post anything in the background.
    let background = {
        let fetch = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase()
        };
        fetch("sec-fetch-site") == "cross-site"
            && !(request.method() == Method::GET && fetch("sec-fetch-mode") == "navigate")
    };
    if background {
        return WebError::forbidden("another site may not use this server").into_response();
    }
    if !guard.hosts.is_empty() && !guard.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return WebError::forbidden("this server answers only at its own address").into_response();
    }
    if request.method() == Method::POST {
        if let Some(origin) = request.headers().get(header::ORIGIN) {
            let ok = origin.to_str().ok().is_some_and(|o| {
                let (scheme, rest) = o.split_once("://").unwrap_or(("", ""));
                matches!(scheme, "http" | "https")
                    && if guard.hosts.is_empty() {
                        !host.is_empty() && rest.eq_ignore_ascii_case(&host)
                    } else {
                        scheme == "http" && guard.hosts.iter().any(|a| a.eq_ignore_ascii_case(rest))
                    }
            });
            if !ok {
                return WebError::forbidden("a form from another site may not post here")
                    .into_response();
            }
        }
    }
    let mut request = request;
    let mut logged = None;
    let headers = request.headers().clone();
    match auth::who(&guard.app, &headers).await {
        Ok(Some(who)) => {
            logged = Some(auth::Logged(who.user.id));
            request.extensions_mut().insert(Token(who.token.clone()));
            request.extensions_mut().insert(who);
        }
        Ok(None) => {
            // Logged out: the forms of the login pages carry the token
            // of their cookie (double submit).
            if let Some(form) = auth::form_cookie(request.headers()) {
                request.extensions_mut().insert(Token(form));
            }
        }
        Err(e) => return e.into_response(),
    }
    let mut response = next.run(request).await;
    if let Some(logged) = logged {
        response.extensions_mut().insert(logged);
    }
    response
}

/// `GET /health`: whether the server can read its database.
async fn health(State(app): State<App>) -> Response {
    match app.admin(|store, _| Ok(store.counts()?)).await {
        Ok(_) => ([(header::CONTENT_TYPE, "text/plain")], "ok\n").into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain")],
            "the database cannot be read\n",
        )
            .into_response(),
    }
}

/// The token the server expects, handed to form readers.
#[derive(Clone)]
pub(crate) struct Token(pub String);

async fn not_found() -> WebError {
    WebError::not_found("there is no such page")
}

fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let why = cause
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    eprintln!(
        "recall: a request failed inside the server: {}",
        crate::text::clean(&why)
    );
    WebError::internal("the server hit a bug on this request; nothing more was saved")
        .into_response()
}

/// A request that cannot be served: its status and one sentence.
#[derive(Debug)]
pub struct WebError {
    status: StatusCode,
    message: String,
    /// A page to show under the message (the current card, after a stale
    /// answer).
    page: Option<Markup>,
    /// Where to send the browser instead (the login page).
    location: Option<String>,
}

impl WebError {
    fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
            page: None,
            location: None,
        }
    }

    /// 303 to the login page, coming back to `path` after it.
    fn log_in(path: &str) -> WebError {
        let mut e = WebError::new(StatusCode::SEE_OTHER, "log in first");
        let back: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
        e.location = Some(format!("/login?next={back}"));
        e
    }

    /// The error as a program reads it: its status and its sentence as
    /// plain text (the API's answers).
    fn plain(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", self.message),
        )
            .into_response()
    }

    /// 429: too many attempts.
    fn too_many(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::TOO_MANY_REQUESTS, message)
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: refused for safety.
    pub fn forbidden(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The same error, shown above `page`.
    fn above(mut self, page: Markup) -> WebError {
        self.page = Some(page);
        self
    }
}

impl From<crate::Error> for WebError {
    fn from(e: crate::Error) -> WebError {
        use crate::Error;
        let status = match &e {
            Error::Stale => StatusCode::CONFLICT,
            Error::UnknownDeck(_) => StatusCode::NOT_FOUND,
            Error::Usage(_) | Error::Deck(_) | Error::NoDeck => StatusCode::BAD_REQUEST,
            Error::Store(StoreError::UserName(_) | StoreError::Invalid(_)) => {
                StatusCode::BAD_REQUEST
            }
            Error::Store(StoreError::Busy(_) | StoreError::Unavailable(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::Store(StoreError::UnknownCard { .. }) => StatusCode::NOT_FOUND,
            Error::Store(StoreError::HistoryConflict { .. }) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &e {
            Error::Store(StoreError::Busy(_)) => {
                "the database is busy (another recall is writing to it): nothing was saved; \
                 try again"
                    .to_string()
            }
            Error::Store(StoreError::Unavailable(_)) => {
                "could not save: the database server cannot be reached just now; nothing was \
                 saved, and this page will work again when it is back: try again"
                    .to_string()
            }
            e => e.to_string(),
        };
        WebError::new(status, message)
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        WebError::from(crate::Error::from(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Some(to) = &self.location {
            return see_other(to);
        }
        let title = self.status.canonical_reason().unwrap_or("Error");
        let page = layout::page(
            &Nav::default(),
            title,
            "",
            maud::html! {
                div.notice.error role="alert" {
                    p { strong { (title) ": " } (self.message) }
                }
                @if let Some(page) = &self.page { (page) }
                @else { p { a href="/" { "Back to today" } } }
            },
        );
        (self.status, page).into_response()
    }
}

/// A redirect after a POST: the browser GETs `to`.
fn see_other(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .unwrap_or_default()
}

/// Milliseconds between a card sent at `shown` and its answer at `now`.
fn response_ms(
    shown: Option<(u64, chrono::DateTime<chrono::Utc>)>,
    id: u64,
    now: Now,
) -> Option<u32> {
    let (sid, at) = shown?;
    (sid == id)
        .then(|| u32::try_from((now.utc() - at).num_milliseconds()).ok())
        .flatten()
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    axum::serve(
        listener,
        app.router(addr)
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
