//! `recall serve` at the HTTP level: a first-day drill through the forms
//! shows the same cards and stores the same states as the piped drill of
//! the terminal; replays, other sites and malformed requests are refused
//! and change nothing.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, FixedOffset};
use common::{Env, is_progress};
use recall::deck::{Card, Content};
use recall::sched::Now;
use recall::store::prelude::*;
use recall::store::{Access, SqliteStore};
use recall::web::{App, Config};
use scraper::{Html, Selector};
use tower::ServiceExt;

/// Runs the test `$name` (taking a fresh server) on SQLite and on
/// PostgreSQL: `$name::sqlite` and `$name::postgresql`.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::Server::new()).await;
            }

            #[tokio::test]
            async fn postgresql() {
                let Some(cluster) = super::common::pg::cluster() else {
                    return;
                };
                let env = super::Env::new().with_db(&cluster.database());
                super::$name(super::Server::on(env)).await;
            }
        }
    };
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const HOST: &str = "127.0.0.1:8799";

fn at(s: &str) -> Now {
    Now::new(DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap())
}

/// A server on a fresh database, at a time the test sets.
struct Server {
    env: Env,
    router: Router,
    now: Arc<Mutex<Now>>,
}

/// Runs `f` on a thread of its own, outside the test's runtime.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(f).join().unwrap())
}

/// What came back.
struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Server {
    fn new() -> Server {
        Server::on(Env::new())
    }

    /// A server on `env`'s database (an SQLite file, or PostgreSQL).
    fn on(env: Env) -> Server {
        let now = Arc::new(Mutex::new(at("2026-03-02T09:00:00Z")));
        let clock = now.clone();
        let config = Config {
            db: env.db(),
            user: "tester".to_string(),
            clock: Arc::new(move || *clock.lock().unwrap()),
            token: TOKEN.to_string(),
        };
        // Off the test's runtime: PostgreSQL's client blocks on its own.
        let app = off_runtime(move || App::open(config).unwrap());
        let router = app.router(HOST.parse().unwrap());
        Server { env, router, now }
    }

    fn set_now(&self, s: &str) {
        *self.now.lock().unwrap() = at(s);
    }

    /// Writes to the database with `f`, on a thread of its own.
    fn write<T: Send>(&self, f: impl FnOnce(&mut dyn Store) -> T + Send) -> T {
        let db = self.env.db();
        off_runtime(move || {
            let now = chrono::DateTime::UNIX_EPOCH;
            let (mut store, _) =
                recall::store::open_for_use(&db, Access::ReadWrite, None, now).unwrap();
            f(&mut *store)
        })
    }

    /// Reads the database with `f`, on a thread of its own (PostgreSQL's
    /// client blocks on a runtime of its own).
    fn read<T: Send>(&self, f: impl FnOnce(&dyn Store) -> T + Send) -> T {
        let db = self.env.db();
        off_runtime(move || {
            let now = chrono::DateTime::UNIX_EPOCH;
            let (store, _) =
                recall::store::open_for_use(&db, Access::ReadWrite, None, now).unwrap();
            f(&*store)
        })
    }

    fn reviews(&self) -> usize {
        self.read(|store| {
            let user = store.user("tester").unwrap().unwrap();
            store.history(user.id).unwrap().len()
        })
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            location,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Reply {
        let request = Request::get(path)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// A form posted as a browser on the page would post it.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_with(path, fields, HOST, Some(&format!("http://{HOST}")))
            .await
    }

    async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        host: &str,
        origin: Option<&str>,
    ) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = Request::post(path)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

fn select(html: &str, css: &str) -> Vec<scraper::ElementRef<'static>> {
    // The documents are small and live for the test: leak them so the
    // element references can be returned.
    let doc: &'static Html = Box::leak(Box::new(Html::parse_document(html)));
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text(html: &str, css: &str) -> Option<String> {
    select(html, css)
        .first()
        .map(|e| e.text().collect::<String>())
}

fn attr(html: &str, css: &str, name: &str) -> Option<String> {
    select(html, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// The fields naming what the current page's form answers.
fn ids(html: &str) -> (String, String) {
    (
        attr(html, "input[name=run]", "value").unwrap(),
        attr(html, "input[name=id]", "value").unwrap(),
    )
}

/// The right answer to `card` as a question form shows it, as fields.
fn right_fields(card: &Card, html: &str) -> Vec<(String, String)> {
    match &card.content {
        Content::Choice { answer, .. } => select(html, ".options label")
            .iter()
            .filter_map(|label| {
                let input = label.select(&Selector::parse("input").unwrap()).next()?;
                let shown: String = label.text().collect();
                let option = shown.split_once(") ").map(|(_, o)| o.to_string())?;
                let value = input.value().attr("value")?.to_string();
                answer
                    .contains(&option)
                    .then(|| ("option".to_string(), value))
            })
            .collect(),
        Content::TrueFalse { answer, .. } => vec![("answer".to_string(), answer.to_string())],
        Content::Typed { answer, .. } => vec![("answer".to_string(), answer.clone())],
        _ => panic!("not a judged card"),
    }
}

/// Drills in the browser's place: every card answered rightly, graded in
/// turn with `keys` ("": Good, or the grade proposed), repeats with Good.
/// The prompts shown, with the progress line before each.
async fn web_drill(
    s: &Server,
    cards: &HashMap<String, Card>,
    keys: &[&str],
) -> Vec<(String, String)> {
    let reply = s.post("/drill/start", &[("token", TOKEN)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let mut shown = Vec::new();
    let mut given = 0;
    loop {
        let page = s.get("/drill").await;
        assert_eq!(page.status, StatusCode::OK);
        let Some(progress) = text(&page.body, ".progress") else {
            break;
        };
        let prompt = text(&page.body, ".prompt").unwrap();
        let card = cards
            .values()
            .find(|c| c.content.prompt() == prompt)
            .unwrap_or_else(|| panic!("no card shows {prompt:?}"));
        shown.push((progress, prompt));
        let key = keys.get(given).copied().unwrap_or("3");
        given += 1;
        let grade_page = if let Some(show) = attr(&page.body, "a[href^='/drill?show=']", "href") {
            s.get(&show).await.body
        } else {
            let (run, id) = ids(&page.body);
            let mut fields = vec![
                ("token".to_string(), TOKEN.to_string()),
                ("run".to_string(), run),
                ("id".to_string(), id),
            ];
            fields.extend(right_fields(card, &page.body));
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let reply = s.post("/drill/check", &pairs).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
            let judged = s.get("/drill").await.body;
            assert!(judged.contains("class=\"right\""), "{judged}");
            judged
        };
        let grade = match key {
            "" => attr(&grade_page, "button.proposed", "value").unwrap_or_else(|| "3".to_string()),
            k => k.to_string(),
        };
        let (run, id) = ids(&grade_page);
        let reply = s
            .post(
                "/drill/grade",
                &[
                    ("token", TOKEN),
                    ("run", &run),
                    ("id", &id),
                    ("grade", &grade),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(reply.location.as_deref(), Some("/drill"));
    }
    shown
}

fn shipped_cards() -> HashMap<String, Card> {
    recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect()
}

#[tokio::test]
async fn a_first_day_drill_in_the_browser_matches_the_terminal() {
    first_day_drill_matches_the_terminal(Server::new()).await;
}

#[tokio::test]
async fn the_same_first_day_on_postgresql() {
    let Some(cluster) = common::pg::cluster() else {
        return;
    };
    let env = Env::new().with_db(&cluster.database());
    first_day_drill_matches_the_terminal(Server::on(env)).await;
}

async fn first_day_drill_matches_the_terminal(web: Server) {
    let cards = shipped_cards();
    let keys = ["3", "1", "2", "4", "", "3", "1", "2", "4", ""];
    let shown = web_drill(&web, &cards, &keys).await;
    let summary = web.get("/drill").await.body;
    assert!(
        summary.contains("10 cards done, 8 recalled (80%), 4 repeats, in 0 min."),
        "{summary}"
    );

    // The same learner's same day in the terminal, through a pipe.
    let term = Env::new().on("2026-03-02T09:00:00Z");
    let mut plan: Vec<(String, String)> = keys
        .iter()
        .map(|k| (String::new(), k.to_string()))
        .collect();
    plan.extend((0..4).map(|_| (String::new(), "3".to_string())));
    let (_, stdout) = common::answer(&term, &[], &cards, &plan, None);
    let lines: Vec<&str> = stdout.lines().collect();
    let in_terminal: Vec<(String, String)> = lines
        .windows(2)
        .filter(|w| is_progress(w[0]))
        .map(|w| (w[0].to_string(), w[1].to_string()))
        .collect();
    // The same cards in the same order, with the same progress lines
    // (where a prompt spans lines, the terminal shows its first).
    let first_lines: Vec<(String, String)> = shown
        .iter()
        .map(|(p, q)| (p.clone(), q.lines().next().unwrap_or("").to_string()))
        .collect();
    assert_eq!(first_lines, in_terminal);
    assert_eq!(shown.len(), 14, "ten cards and four repeats");

    let states = |store: &dyn Store| {
        let user = store.user("tester").unwrap().unwrap();
        store.card_states(user.id).unwrap()
    };
    let term_store = SqliteStore::open(&term.dir().join("recall.sqlite3")).unwrap();
    assert_eq!(web.read(states), states(&term_store));
    assert_eq!(web.reviews(), 14);
}

both!(a_replayed_answer_is_refused_and_shows_the_card_now);

async fn a_replayed_answer_is_refused_and_shows_the_card_now(s: Server) {
    let cards = shipped_cards();
    web_drill(&s, &cards, &["4", "4", "4"]).await;
    // A new drill the next day, and its first card answered.
    s.set_now("2026-03-03T09:00:00Z");
    s.post("/drill/start", &[("token", TOKEN)]).await;
    let mut page = s.get("/drill").await.body;
    if let Some(show) = attr(&page, "a[href^='/drill?show=']", "href") {
        page = s.get(&show).await.body;
    }
    let (run, id) = ids(&page);
    let before = s.reviews();
    let answer = [
        ("token", TOKEN),
        ("run", run.as_str()),
        ("id", id.as_str()),
        ("grade", "3"),
    ];
    let page_of = |html: &str| text(html, ".prompt");
    let prompt = page_of(&page).unwrap();
    let judged = attr(&page, "form[action='/drill/check']", "action").is_some();
    if judged {
        // A judged card must be answered before its grade counts.
        let refused = s.post("/drill/grade", &answer).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused
                .body
                .contains("answer the question before grading it")
        );
        assert_eq!(s.reviews(), before);
        let card = cards
            .values()
            .find(|c| c.content.prompt() == prompt)
            .unwrap();
        let mut fields: Vec<(String, String)> = vec![
            ("token".into(), TOKEN.into()),
            ("run".into(), run.clone()),
            ("id".into(), id.clone()),
        ];
        fields.extend(right_fields(card, &page));
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        s.post("/drill/check", &pairs).await;
    }
    let first = s.post("/drill/grade", &answer).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(s.reviews(), before + 1);
    // The same POST again (a reload, a second tab): refused, nothing
    // recorded, and the page shows the card now.
    let replay = s.post("/drill/grade", &answer).await;
    assert_eq!(replay.status, StatusCode::CONFLICT);
    assert!(
        replay.body.contains("that card was answered already"),
        "{}",
        replay.body
    );
    assert_eq!(s.reviews(), before + 1);
    let now_shown = s.get("/drill").await.body;
    assert_eq!(page_of(&replay.body), page_of(&now_shown));
    // A form from an earlier drill is refused too.
    let old = s
        .post(
            "/drill/grade",
            &[("token", TOKEN), ("run", "1"), ("id", "1"), ("grade", "3")],
        )
        .await;
    assert_eq!(old.status, StatusCode::CONFLICT);
    assert_eq!(s.reviews(), before + 1);
}

both!(other_sites_and_forms_without_the_token_are_refused);

async fn other_sites_and_forms_without_the_token_are_refused(s: Server) {
    let start = [("token", TOKEN)];
    // Another host name (a DNS-rebinding page) can read nothing.
    let request = Request::get("/")
        .header(header::HOST, "attacker.example:8799")
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(request).await.status, StatusCode::FORBIDDEN);
    // A request without a host, or naming two, is malformed.
    let request = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(s.send(request).await.status, StatusCode::BAD_REQUEST);
    let request = Request::get("/")
        .header(header::HOST, HOST)
        .header(header::HOST, "attacker.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(request).await.status, StatusCode::BAD_REQUEST);
    // Another site's page may link here, but not load anything in the
    // background (an image, a script, a fetch).
    let cross = |mode: &str| {
        Request::get("/report")
            .header(header::HOST, HOST)
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-mode", mode)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(s.send(cross("no-cors")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.send(cross("cors")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.send(cross("navigate")).await.status, StatusCode::OK);
    let response = s
        .router
        .clone()
        .oneshot(
            Request::get("/")
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()["cross-origin-resource-policy"],
        "same-origin"
    );
    let foreign = s
        .post_with("/drill/start", &start, "attacker.example:8799", None)
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    // A form on another site, posting here.
    let csrf = s
        .post_with(
            "/drill/start",
            &start,
            HOST,
            Some("http://attacker.example"),
        )
        .await;
    assert_eq!(csrf.status, StatusCode::FORBIDDEN);
    assert!(
        csrf.body
            .contains("a form from another site may not post here")
    );
    // No token, or a wrong one.
    for fields in [
        &[][..],
        &[("token", "00000000000000000000000000000000")][..],
    ] {
        let reply = s.post("/drill/start", fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert!(reply.body.contains("its token is missing or out of date"));
    }
    // Nothing was started: the drill page offers to start one.
    assert!(
        s.get("/drill")
            .await
            .body
            .contains("No drill is under way.")
    );
    // With everything right, it starts.
    assert_eq!(
        s.post("/drill/start", &start).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(s.get("/drill").await.body.contains("1/10"));
    assert_eq!(s.reviews(), 0);
}

both!(malformed_requests_get_one_sentence_and_change_nothing);

async fn malformed_requests_get_one_sentence_and_change_nothing(s: Server) {
    s.post("/drill/start", &[("token", TOKEN)]).await;
    let page = s.get("/drill").await.body;
    let (run, id) = ids(&page);
    for (fields, status, says) in [
        (
            vec![("grade", "9"), ("run", run.as_str()), ("id", id.as_str())],
            StatusCode::BAD_REQUEST,
            "grade must be a whole number from 1 to 4",
        ),
        (
            vec![("grade", "x"), ("run", run.as_str()), ("id", id.as_str())],
            StatusCode::BAD_REQUEST,
            "grade must be a whole number",
        ),
        (
            vec![("grade", "3"), ("run", run.as_str())],
            StatusCode::BAD_REQUEST,
            "the form has no id",
        ),
        (
            vec![("grade", "3"), ("run", run.as_str()), ("id", "999")],
            StatusCode::CONFLICT,
            "answered already",
        ),
    ] {
        let mut all = vec![("token", TOKEN)];
        all.extend(fields);
        let reply = s.post("/drill/grade", &all).await;
        assert_eq!(reply.status, status, "{}", reply.body);
        assert!(reply.body.contains(says), "{says}: {}", reply.body);
    }
    assert_eq!(s.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.get("/drill?show=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        s.get("/report?days=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(s.get("/decks/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.get("/decks/case-management-skills/cards/nope")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let huge = "x".repeat(200_000);
    let reply = s
        .post("/drill/grade", &[("token", TOKEN), ("pad", &huge)])
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(s.reviews(), 0);
    // Every page still works.
    for path in [
        "/",
        "/drill",
        "/quiz",
        "/exam",
        "/report",
        "/decks",
        "/decks/case-management-skills",
    ] {
        assert_eq!(s.get(path).await.status, StatusCode::OK, "{path}");
    }
}

both!(the_exam_refuses_an_answer_after_its_deadline);

async fn the_exam_refuses_an_answer_after_its_deadline(s: Server) {
    let reply = s
        .post(
            "/exam/start",
            &[("token", TOKEN), ("questions", "3"), ("minutes", "2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let cards = shipped_cards();
    let answer_right = |page: &str| {
        let prompt = text(page, ".prompt").unwrap();
        let card = cards.values().find(|c| c.content.prompt() == prompt);
        // A basic card's question is built from it; answer anything.
        card.map(|c| match &c.content {
            Content::Choice { .. } | Content::TrueFalse { .. } | Content::Typed { .. } => {
                right_fields(c, page)
            }
            _ => vec![],
        })
        .unwrap_or_default()
    };
    let page = s.get("/exam").await.body;
    assert!(page.contains("2:00 left"), "{page}");
    assert!(!page.contains("class=\"feedback\""));
    let (run, id) = ids(&page);
    let mut fields = vec![
        ("token".to_string(), TOKEN.to_string()),
        ("run".into(), run.clone()),
        ("id".into(), id),
    ];
    let mut given = answer_right(&page);
    if given.is_empty() {
        // Whatever the form asks, a first option or a word.
        given = match attr(&page, ".options input", "value") {
            Some(v) => vec![("option".into(), v)],
            None if page.contains("name=\"answer\" value=\"true\"") => {
                vec![("answer".into(), "true".into())]
            }
            None => vec![("answer".into(), "a guess".into())],
        };
    }
    fields.extend(given);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let first = s.post("/exam/answer", &pairs).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(s.reviews(), 1);
    // Time runs out before the second answer arrives.
    let page = s.get("/exam").await.body;
    let (run, id) = ids(&page);
    s.set_now("2026-03-02T09:02:01Z");
    let late = s
        .post(
            "/exam/answer",
            &[
                ("token", TOKEN),
                ("run", &run),
                ("id", &id),
                ("answer", "x"),
                ("option", "0"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert!(late.body.contains("time was up before that answer arrived"));
    assert_eq!(s.reviews(), 1);
    let result = s.get("/exam").await.body;
    assert!(
        result.contains("Time ran out: 2 questions unanswered, counted wrong."),
        "{result}"
    );
    assert!(result.contains("pass mark 70%"));
}

both!(a_card_with_markup_is_shown_as_text);

async fn a_card_with_markup_is_shown_as_text(s: Server) {
    let deck = "[deck]\nid = \"x\"\ntitle = \"<b>X</b>\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"<i>A</i>\"\n\n\
                [[cards]]\nid = \"c\"\narea = \"a\"\nkind = \"basic\"\nfront = \"<script>alert(1)</script>\"\nback = \"<img src=x onerror=alert(2)>\"\n";
    let d = recall::deck::check(std::path::Path::new("x.toml"), deck)
        .deck
        .unwrap();
    s.write(|store| {
        store
            .install_deck(&d, at("2026-03-01T09:00:00Z").utc())
            .unwrap()
    });
    for path in ["/decks", "/decks/x", "/decks/x/cards/c", "/"] {
        let body = s.get(path).await.body;
        assert!(!body.contains("<script>alert"), "{path}");
        assert!(!body.contains("<img src=x"), "{path}");
        assert!(
            !body.contains("<b>X</b>") && !body.contains("<i>A</i>"),
            "{path}"
        );
    }
    let card = s.get("/decks/x/cards/c").await.body;
    assert!(
        card.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{card}"
    );
    assert!(card.contains("&lt;img src=x onerror=alert(2)&gt;"));
}

both!(a_deck_with_errors_is_refused_at_its_line_and_column);

async fn a_deck_with_errors_is_refused_at_its_line_and_column(s: Server) {
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n".to_string()
        + TOKEN
        + "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"deck\"; filename=\"../../bad.toml\"\r\n\
           Content-Type: application/toml\r\n\r\n[deck]\nid = \"bad\"\ntitle = \"Bad\"\nversion = 1\n\n\
           [[areas]]\nid = \"a\"\nname = \"A\"\n\n[[cards]]\nid = \"c\"\narea = \"nowhere\"\nkind = \"basic\"\n\
           front = \"F\"\nback = \"B\"\n\r\n--XyZ--\r\n";
    let request = Request::post("/decks/add")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    let reply = s.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let errors: Vec<String> = select(&reply.body, ".errors li")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(errors, ["bad.toml:12:8: unknown area `nowhere` (areas: a)"]);
    assert!(s.get("/decks/bad").await.status == StatusCode::NOT_FOUND);
}

both!(a_quiz_records_each_answer_and_shows_its_correction_above_the_next);

async fn a_quiz_records_each_answer_and_shows_its_correction_above_the_next(s: Server) {
    let reply = s
        .post("/quiz/start", &[("token", TOKEN), ("count", "3")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    for n in 1..=3 {
        let page = s.get("/quiz").await.body;
        assert!(
            text(&page, ".progress")
                .unwrap()
                .starts_with(&format!("question {n}/3"))
        );
        if n > 1 {
            assert!(
                text(&page, ".feedback").is_some(),
                "the last answer's correction"
            );
        }
        let (run, id) = ids(&page);
        let mut fields = vec![("token", TOKEN), ("run", run.as_str()), ("id", id.as_str())];
        let option = attr(&page, ".options input", "value");
        match &option {
            Some(v) => fields.push(("option", v)),
            None if page.contains("value=\"true\"") => fields.push(("answer", "true")),
            None => fields.push(("answer", "a guess")),
        }
        let reply = s.post("/quiz/answer", &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(s.reviews(), n, "recorded before the next question");
        let again = s.post("/quiz/answer", &fields).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "a replay");
        assert_eq!(s.reviews(), n);
    }
    let done = s.get("/quiz").await.body;
    assert!(done.contains("3 questions answered"), "{done}");
    s.read(|store| {
        let user = store.user("tester").unwrap().unwrap();
        assert!(
            store
                .history(user.id)
                .unwrap()
                .iter()
                .all(|r| r.mode == "quiz")
        );
    });
}

/// A deck file posted to `/decks/add`.
async fn add_deck(s: &Server, name: &str, text: &str) -> Reply {
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{TOKEN}\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"deck\"; filename=\"{name}\"\r\n\
         Content-Type: application/toml\r\n\r\n{text}\r\n--XyZ--\r\n"
    );
    let request = Request::post("/decks/add")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    s.send(request).await
}

fn small_deck(version: u32, cards: u32) -> String {
    let mut text = format!(
        "[deck]\nid = \"small\"\ntitle = \"Small deck\"\nversion = {version}\n\n\
         [[areas]]\nid = \"a\"\nname = \"A\"\n"
    );
    for n in 1..=cards {
        text.push_str(&format!(
            "\n[[cards]]\nid = \"c{n}\"\narea = \"a\"\nkind = \"basic\"\nfront = \"F{n}\"\nback = \"B{n}\"\n"
        ));
    }
    text
}

both!(with_two_decks_the_exam_asks_which_and_a_deck_never_goes_back_a_version);

async fn with_two_decks_the_exam_asks_which_and_a_deck_never_goes_back_a_version(s: Server) {
    let added = add_deck(&s, "small.toml", &small_deck(2, 3)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    // The exam form offers both decks; without a choice the server says
    // so in a sentence.
    let page = s.get("/exam").await.body;
    let options: Vec<String> = select(&page, "select[name=deck] option")
        .iter()
        .map(|o| o.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(options, [recall::deck::SHIPPED_ID, "small"]);
    let refused = s
        .post("/exam/start", &[("token", TOKEN), ("questions", "2")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("choose the exam&#39;s deck")
            || refused.body.contains("choose the exam's deck"),
        "{}",
        refused.body
    );
    let started = s
        .post(
            "/exam/start",
            &[("token", TOKEN), ("questions", "2"), ("deck", "small")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = s.get("/exam").await.body;
    assert!(text(&page, ".prompt").unwrap().starts_with('F'), "{page}");

    // An older version is refused whole: no card retired.
    let older = add_deck(&s, "small.toml", &small_deck(1, 1)).await;
    assert_eq!(older.status, StatusCode::BAD_REQUEST, "{}", older.body);
    assert!(
        older
            .body
            .contains("version 1 is older than the installed version 2")
    );
    let cards = s.read(|store| store.deck_cards(&"small".into()).unwrap().len());
    assert_eq!(cards, 3);
}

#[tokio::test]
async fn a_command_run_beside_the_server_loses_none_of_its_answers() {
    // Closing any descriptor of a file drops every lock this process holds
    // on it; a server that did so would let the command below take the
    // database for unused and remove the -wal holding later answers.
    let s = Server::new();
    assert_eq!(s.get("/").await.status, StatusCode::OK);
    s.env.recall(["user", "add", "zed"]).assert().success();
    let cards: HashMap<String, Card> = recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.content.prompt(), c))
        .collect();
    web_drill(&s, &cards, &["3", "3", "3"]).await;
    let answered = s.reviews();
    assert!(answered >= 3);
    s.env.recall(["user", "add", "zoe"]).assert().success();
    // A connection of another process sees every answer.
    let out = s
        .env
        .recall(["--user", "tester", "history", "export"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        answered
    );
}
