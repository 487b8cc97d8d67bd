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

mod decks;
mod exam;
mod form;
mod layout;
mod quiz;
mod study;
mod today;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::Markup;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::sched::Now;
use crate::session::{Drill, ExamRun, Finished, Quiz};
use crate::store::prelude::*;
use crate::store::{Access, SqliteStore, StoreError, User};

pub use form::Fields;

/// The time, read at each request: the system clock, or a fixed instant
/// in tests and scripted runs.
pub type Clock = Arc<dyn Fn() -> Now + Send + Sync>;

/// What the server is started with.
pub struct Config {
    /// The database file.
    pub db: PathBuf,
    /// The learner whose drills these are (added on first use).
    pub user: String,
    /// The time.
    pub clock: Clock,
    /// The secret every form carries: made at start, never stored.
    pub token: String,
}

/// A fresh token: 128 random bits as 32 hex digits.
pub fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The largest request body a form may send (a deck file excepted).
const BODY_LIMIT: usize = 64 * 1024;

/// The largest deck file that may be uploaded.
const DECK_LIMIT: usize = 8 * 1024 * 1024;

/// The server: its configuration and the learner's open sessions.
#[derive(Clone)]
pub struct App {
    shared: Arc<Shared>,
}

struct Shared {
    config: Config,
    inner: Mutex<Inner>,
}

/// What requests share, behind one lock: the database connection and
/// the sessions in progress.
pub(crate) struct Inner {
    store: SqliteStore,
    user: User,
    drill: Option<DrillPage>,
    quiz: Option<QuizPage>,
    exam: Option<ExamPage>,
    /// Sessions started so far: each is numbered, and a form names the
    /// session it answers.
    runs: u64,
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
        let mut store = SqliteStore::open_for_use(
            &config.db,
            Access::ReadWrite,
            Some(&config.user),
            now.utc(),
        )?;
        store.set_patience(std::time::Duration::from_secs(5))?;
        let user = store
            .user(&config.user)?
            .ok_or_else(|| crate::Error::UnknownUser(config.user.clone()))?;
        Ok(App {
            shared: Arc::new(Shared {
                config,
                inner: Mutex::new(Inner {
                    store,
                    user,
                    drill: None,
                    quiz: None,
                    exam: None,
                    runs: 0,
                }),
            }),
        })
    }

    /// The routes, for a server bound to `addr`: requests naming any other
    /// host are refused.
    pub fn router(&self, addr: SocketAddr) -> Router {
        let guard = Guard {
            hosts: allowed_hosts(addr),
            token: self.shared.config.token.clone(),
        };
        Router::new()
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
            .route(
                "/decks/add",
                post(decks::add).layer(DefaultBodyLimit::max(DECK_LIMIT)),
            )
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

    /// Runs `f` on the shared state, holding its lock, on a thread where
    /// blocking on the database is allowed.
    async fn with<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Inner, &Config) -> Result<T, WebError> + Send + 'static,
    {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || {
            // A handler that panicked left the state as it was at the
            // panic: every answer before it is committed, so carry on.
            let mut inner = shared.inner.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut inner, &shared.config)
        })
        .await
        .map_err(|e| {
            eprintln!("recall: a request failed inside the server: {e}");
            WebError::internal("the server hit a bug on this request; nothing more was saved")
        })?
    }

    /// The form token, for pages.
    fn token(&self) -> &str {
        &self.shared.config.token
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
    hosts: Vec<String>,
    token: String,
}

/// Refuses a request whose `Host` is not the address the server bound (a
/// DNS-rebinding page), a POST whose `Origin` is another site's, or a
/// POST without the token (checked when its form is read).
async fn check_request(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !guard.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return WebError::forbidden("this server answers only at its own address").into_response();
    }
    if request.method() == Method::POST {
        if let Some(origin) = request.headers().get(header::ORIGIN) {
            let ok = origin.to_str().ok().is_some_and(|o| {
                o.strip_prefix("http://")
                    .is_some_and(|h| guard.hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
            });
            if !ok {
                return WebError::forbidden("a form from another site may not post here")
                    .into_response();
            }
        }
    }
    let mut request = request;
    request.extensions_mut().insert(Token(guard.token.clone()));
    next.run(request).await
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
}

impl WebError {
    fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
            page: None,
        }
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
            Error::Store(StoreError::Busy(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Store(StoreError::UnknownCard { .. }) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &e {
            Error::Store(StoreError::Busy(_)) => {
                "the database is busy (another recall is writing to it): nothing was saved; \
                 try again"
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
        let title = self.status.canonical_reason().unwrap_or("Error");
        let page = layout::page(
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
    axum::serve(listener, app.router(addr))
        .with_graceful_shutdown(shutdown)
        .await
}
