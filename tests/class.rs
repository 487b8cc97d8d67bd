//! `recall serve --class` at the HTTP level: who may see and do what,
//! route by route and role by role; logins that expire, end on logout
//! and on a new password; forms without their token; throttled
//! passwords; and what the database keeps of a password.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, FixedOffset};
use common::Env;
use recall::sched::Now;
use recall::store::prelude::*;
use recall::store::{Counts, SqliteStore};

use recall::web::{App, ClassConfig};
use scraper::{Html, Selector};
use tower::ServiceExt;

/// Runs `f` on a thread of its own: PostgreSQL's client blocks on a
/// runtime of its own, which the test's may not.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(f).join().unwrap())
}

/// Runs the test `$name` (taking the cast on a fresh server) on SQLite and
/// on PostgreSQL: `$name::sqlite` and `$name::postgresql`.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::cast().await).await;
            }

            #[tokio::test]
            async fn postgresql() {
                let Some(cluster) = super::common::pg::cluster() else {
                    return;
                };
                let env = super::Env::new().with_db(&cluster.database());
                super::$name(super::cast_on(super::Server::on(env)).await).await;
            }
        }
    };
}

const HOST: &str = "class.example:8443";
const ORIGIN: &str = "http://class.example:8443";

fn at(s: &str) -> Now {
    Now::new(DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap())
}

/// A deck of two areas and four cards.
const DECK: &str = r#"
[deck]
id = "fx"
title = "Fixture"
version = 1

[[areas]]
id = "a"
name = "Alpha"

[[areas]]
id = "b"
name = "Beta"

[[cards]]
id = "c1"
area = "a"
kind = "basic"
front = "Front one"
back = "Back one"

[[cards]]
id = "c2"
area = "a"
kind = "basic"
front = "Front two"
back = "Back two"

[[cards]]
id = "c3"
area = "b"
kind = "basic"
front = "Front three"
back = "Back three"

[[cards]]
id = "c4"
area = "b"
kind = "basic"
front = "Front four"
back = "Back four"
"#;

/// One browser: its cookies and the token of its page's forms.
#[derive(Debug, Clone, Default)]
struct Jar {
    cookies: HashMap<String, String>,
    token: String,
}

impl Jar {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

/// A class server on a fresh database, at a time the test sets.
struct Server {
    env: Env,
    router: Router,
    now: Arc<Mutex<Now>>,
    setup: String,
}

impl Server {
    fn new() -> Server {
        Server::on(Env::new())
    }

    /// A class server on `env`'s database (an SQLite file, or PostgreSQL).
    fn on(env: Env) -> Server {
        let now = Arc::new(Mutex::new(at("2026-03-02T09:00:00Z")));
        let clock = now.clone();
        let config = ClassConfig {
            db: env.db(),
            clock: Arc::new(move || *clock.lock().unwrap()),
            https: false,
            behind_proxy: false,
            log: false,
        };
        // Off the test's runtime: PostgreSQL's client blocks on its own.
        let (app, setup) = off_runtime(move || App::open_class(config).unwrap());
        let router = app.router("0.0.0.0:8443".parse().unwrap());
        Server {
            env,
            router,
            now,
            setup: setup.expect("a new server asks for an administrator"),
        }
    }

    fn set_now(&self, s: &str) {
        *self.now.lock().unwrap() = at(s);
    }

    /// Reads the database with `f` through the store traits, on a thread
    /// of its own (PostgreSQL's client blocks on a runtime of its own).
    fn read<T: Send>(&self, f: impl FnOnce(&dyn Store) -> T + Send) -> T {
        let db = self.env.db();
        off_runtime(move || {
            let store = recall::store::open_plain(&db).unwrap();
            f(&*store)
        })
    }

    /// Everything the database holds, to show a request changed nothing.
    fn snapshot(&self) -> (Counts, usize, usize, Vec<String>) {
        self.read(|s| {
            let classes = s.classes().unwrap();
            let members: usize = classes.iter().map(|c| s.members(c.id).unwrap().len()).sum();
            let decks: Vec<String> = classes
                .iter()
                .flat_map(|c| s.class_decks(c.id).unwrap())
                .map(|d| d.to_string())
                .collect();
            (s.counts().unwrap(), classes.len(), members, decks)
        })
    }

    fn history(&self, name: &str) -> usize {
        self.read(|s| {
            let user = s.user(name).unwrap().unwrap();
            s.history(user.id).unwrap().len()
        })
    }

    async fn send(
        &self,
        jar: &mut Jar,
        request: axum::http::request::Builder,
        body: Body,
    ) -> Reply {
        let mut request = request.header(header::HOST, HOST);
        if !jar.cookies.is_empty() {
            request = request.header(header::COOKIE, jar.header());
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, attrs) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            assert!(attrs.contains("HttpOnly"), "{text}");
            assert!(attrs.contains("SameSite=Strict"), "{text}");
            if value.is_empty() || attrs.contains("Max-Age=0") {
                jar.cookies.remove(name);
            } else {
                jar.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8(bytes.to_vec()).unwrap();
        if let Some(token) = attr(&body, "input[name=token]", "value") {
            jar.token = token;
        }
        Reply {
            status,
            location,
            body,
        }
    }

    async fn get(&self, jar: &mut Jar, path: &str) -> Reply {
        self.send(jar, Request::get(path), Body::empty()).await
    }

    /// A form as the browser posts it, with the jar's token.
    async fn post(&self, jar: &mut Jar, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = jar.token.clone();
        let mut all = vec![("token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(jar, path, &all, Some(ORIGIN)).await
    }

    async fn post_raw(
        &self,
        jar: &mut Jar,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        self.send(jar, request, Body::from(body)).await
    }

    async fn upload(&self, jar: &mut Jar, path: &str, name: &str, text: &str) -> Reply {
        let b = "recall-test-boundary";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"deck\"; filename=\"{name}\"\r\n\
             Content-Type: application/toml\r\n\r\n{text}\r\n--{b}--\r\n",
            jar.token
        );
        let request = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={b}"),
            )
            .header(header::ORIGIN, ORIGIN);
        self.send(jar, request, Body::from(body)).await
    }

    /// Takes up an invitation link as someone new; their browser.
    async fn join(&self, link: &str, name: Option<&str>, password: &str) -> Jar {
        let path = link.trim_start_matches(ORIGIN);
        let mut jar = Jar::default();
        let page = self.get(&mut jar, path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let mut fields = vec![("password", password), ("again", password)];
        if let Some(name) = name {
            fields.push(("name", name));
        }
        let reply = self.post(&mut jar, path, &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert!(jar.cookies.contains_key("recall_login"));
        self.get(&mut jar, "/account").await;
        jar
    }

    async fn log_in(&self, name: &str, password: &str) -> (Jar, Reply) {
        let mut jar = Jar::default();
        let page = self.get(&mut jar, "/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let reply = self
            .post(
                &mut jar,
                "/login",
                &[("name", name), ("password", password)],
            )
            .await;
        if reply.status == StatusCode::SEE_OTHER {
            self.get(&mut jar, "/account").await;
        }
        (jar, reply)
    }
}

fn select(html: &str, css: &str) -> Vec<scraper::ElementRef<'static>> {
    let doc: &'static Html = Box::leak(Box::new(Html::parse_document(html)));
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn attr(html: &str, css: &str, name: &str) -> Option<String> {
    select(html, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

fn text(html: &str, css: &str) -> Option<String> {
    select(html, css)
        .first()
        .map(|e| e.text().collect::<String>())
}

/// The cast: an administrator; instructors tess (class A: ana, bo) and
/// otto (class B: cy); the deck `fx` published by tess to A; ana has
/// drilled two cards.
struct Cast {
    s: Server,
    root: Jar,
    tess: Jar,
    otto: Jar,
    ana: Jar,
    bo: Jar,
    cy: Jar,
    a: String,
    b: String,
    ana_id: String,
    bo_id: String,
    cy_id: String,
}

const PASSWORD: &str = "a long enough secret";

async fn instructor(s: &Server, root: &mut Jar, name: &str) -> Jar {
    let made = s
        .post(root, "/admin", &[("name", name), ("role", "instructor")])
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link = text(&made.body, "#invite-link").unwrap();
    s.join(&link, None, &format!("{name} {PASSWORD}")).await
}

async fn class(s: &Server, jar: &mut Jar, name: &str) -> String {
    s.get(jar, "/classes").await;
    let made = s.post(jar, "/classes", &[("name", name)]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let path = made.location.unwrap();
    s.get(jar, &path).await;
    path.trim_start_matches("/classes/").to_string()
}

async fn invite(s: &Server, jar: &mut Jar, class: &str, learner: &str) -> Jar {
    let reply = s.post(jar, &format!("/classes/{class}/invite"), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let link = text(&reply.body, "#invite-link").unwrap();
    assert!(link.starts_with(&format!("{ORIGIN}/join/")), "{link}");
    s.join(&link, Some(learner), &format!("{learner} {PASSWORD}"))
        .await
}

async fn publish(s: &Server, jar: &mut Jar, class: &str, deck: &str) -> Reply {
    let preview = s
        .upload(jar, &format!("/classes/{class}/publish"), "fx.toml", deck)
        .await;
    if preview.status != StatusCode::OK {
        return preview;
    }
    let pending = attr(&preview.body, "input[name=pending]", "value").unwrap();
    s.post(
        jar,
        &format!("/classes/{class}/publish/confirm"),
        &[("pending", &pending)],
    )
    .await
}

/// Drills `n` cards with Good.
async fn drill(s: &Server, jar: &mut Jar, n: usize) {
    s.get(jar, "/").await;
    let started = s.post(jar, "/drill/start", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    for _ in 0..n {
        let mut page = s.get(jar, "/drill").await;
        if let Some(show) = attr(&page.body, "a[data-key=space]", "href") {
            page = s.get(jar, &show).await;
        }
        let run = attr(&page.body, "input[name=run]", "value").unwrap();
        let id = attr(&page.body, "input[name=id]", "value").unwrap();
        let graded = s
            .post(
                jar,
                "/drill/grade",
                &[("run", &run), ("id", &id), ("grade", "3")],
            )
            .await;
        assert_eq!(graded.status, StatusCode::SEE_OTHER, "{}", graded.body);
    }
}

async fn cast() -> Cast {
    cast_on(Server::new()).await
}

/// The cast on server `s`.
async fn cast_on(s: Server) -> Cast {
    let setup = format!("{ORIGIN}/join/{}", s.setup);
    let mut root = s
        .join(&setup, Some("root"), &format!("root {PASSWORD}"))
        .await;
    s.get(&mut root, "/admin").await;
    let mut tess = instructor(&s, &mut root, "tess").await;
    let mut otto = instructor(&s, &mut root, "otto").await;
    let a = class(&s, &mut tess, "Nurses").await;
    let b = class(&s, &mut otto, "Social workers").await;
    let published = publish(&s, &mut tess, &a, DECK).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let mut ana = invite(&s, &mut tess, &a, "ana").await;
    s.get(&mut tess, &format!("/classes/{a}")).await;
    let bo = invite(&s, &mut tess, &a, "bo").await;
    s.get(&mut otto, &format!("/classes/{b}")).await;
    let cy = invite(&s, &mut otto, &b, "cy").await;
    drill(&s, &mut ana, 2).await;
    let (ana_id, bo_id, cy_id) = s.read(|store| {
        let id = |n: &str| store.user(n).unwrap().unwrap().id.0.to_string();
        (id("ana"), id("bo"), id("cy"))
    });
    s.get(&mut tess, &format!("/classes/{a}")).await;
    s.get(&mut otto, &format!("/classes/{b}")).await;
    Cast {
        s,
        root,
        tess,
        otto,
        ana,
        bo,
        cy,
        a,
        b,
        ana_id,
        bo_id,
        cy_id,
    }
}

/// Every page, as a template: `{A}`, `{B}` the classes, `{ana}`... the
/// learners' numbers.
const PAGES: &[&str] = &[
    "/",
    "/drill",
    "/quiz",
    "/exam",
    "/report",
    "/decks",
    "/decks/fx",
    "/decks/fx/cards/c1",
    "/account",
    "/classes",
    "/classes/{A}",
    "/classes/{A}/learners/{ana}",
    "/classes/{A}/export.csv",
    "/classes/{A}/export.json",
    "/admin",
];

/// Every form.
const FORMS: &[&str] = &[
    "/drill/start",
    "/drill/check",
    "/drill/grade",
    "/drill/stop",
    "/quiz/start",
    "/quiz/answer",
    "/quiz/stop",
    "/exam/start",
    "/exam/answer",
    "/exam/stop",
    "/account",
    "/logout",
    "/classes",
    "/classes/{A}/invite",
    "/classes/{A}/decks",
    "/classes/{A}/publish/confirm",
    "/admin",
];

/// The numbers of the cast's classes and learners.
#[derive(Clone)]
struct Ids([(&'static str, String); 5]);

impl Ids {
    fn of(c: &Cast) -> Ids {
        Ids([
            ("{A}", c.a.clone()),
            ("{B}", c.b.clone()),
            ("{ana}", c.ana_id.clone()),
            ("{bo}", c.bo_id.clone()),
            ("{cy}", c.cy_id.clone()),
        ])
    }
}

fn fill(ids: &Ids, template: &str) -> String {
    ids.0
        .iter()
        .fold(template.to_string(), |t, (k, v)| t.replace(k, v))
}

both!(a_request_without_a_login_is_sent_to_log_in_and_changes_nothing);

async fn a_request_without_a_login_is_sent_to_log_in_and_changes_nothing(mut c: Cast) {
    let before = c.s.snapshot();
    let ids = Ids::of(&c);
    let mut nobody = Jar::default();
    for page in PAGES {
        let path = fill(&ids, page);
        let reply = c.s.get(&mut nobody, &path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "GET {path}");
        let to = reply.location.unwrap();
        assert!(to.starts_with("/login?next=%2F"), "GET {path} goes to {to}");
    }
    // With the token of someone's page, even.
    nobody.token = c.ana.token.clone();
    for form in FORMS {
        let path = fill(&ids, form);
        let reply =
            c.s.post(
                &mut nobody,
                &path,
                &[("run", "1"), ("id", "1"), ("grade", "3"), ("name", "x")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "POST {path}");
        assert!(reply.location.unwrap().starts_with("/login"));
    }
    assert_eq!(c.s.snapshot(), before);
    // The health check needs no login.
    let health = c.s.get(&mut nobody, "/health").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok\n")
    );
    // Nor do the login page and an invitation; a made-up one is 404.
    assert_eq!(c.s.get(&mut nobody, "/login").await.status, StatusCode::OK);
    let fake = format!("/join/{}", "0".repeat(64));
    assert_eq!(
        c.s.get(&mut nobody, &fake).await.status,
        StatusCode::NOT_FOUND
    );
    let _ = &mut c.root;
}

both!(a_learner_sees_and_writes_only_their_own);

async fn a_learner_sees_and_writes_only_their_own(mut c: Cast) {
    let before = c.s.snapshot();
    let ids = Ids::of(&c);
    let ana = &mut c.ana;
    // No instructor's or administrator's page.
    for page in [
        "/classes/{A}",
        "/classes/{A}/learners/{bo}",
        "/classes/{A}/learners/{ana}",
        "/classes/{A}/export.csv",
        "/classes/{A}/export.json",
        "/classes/{B}",
        "/admin",
    ] {
        let path = fill(&ids, page);
        let reply = c.s.get(ana, &path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "GET {path}");
    }
    for form in [
        "/classes",
        "/classes/{A}/invite",
        "/classes/{A}/decks",
        "/classes/{A}/publish/confirm",
        "/admin",
    ] {
        let path = fill(&ids, form);
        let reply =
            c.s.post(
                ana,
                &path,
                &[
                    ("name", "x"),
                    ("deck", "fx"),
                    ("role", "admin"),
                    ("pending", "x"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let upload =
        c.s.upload(ana, &format!("/classes/{}/publish", c.a), "fx.toml", DECK)
            .await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    assert_eq!(c.s.snapshot(), before);

    // Bo's drill: ana cannot answer it, with its numbers or with bo's
    // token.
    let bo = &mut c.bo;
    c.s.get(bo, "/").await;
    c.s.post(bo, "/drill/start", &[]).await;
    let shown = c.s.get(bo, "/drill").await;
    let show = attr(&shown.body, "a[data-key=space]", "href").unwrap();
    let page = c.s.get(bo, &show).await;
    let run = attr(&page.body, "input[name=run]", "value").unwrap();
    let id = attr(&page.body, "input[name=id]", "value").unwrap();
    let (ana_before, bo_before) = (c.s.history("ana"), c.s.history("bo"));
    c.s.get(&mut c.ana, "/").await;
    let reply =
        c.s.post(
            &mut c.ana,
            "/drill/grade",
            &[("run", &run), ("id", &id), ("grade", "1")],
        )
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    let mut stolen = c.ana.clone();
    stolen.token = c.bo.token.clone();
    let reply =
        c.s.post(
            &mut stolen,
            "/drill/grade",
            &[("run", &run), ("id", &id), ("grade", "1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        (c.s.history("ana"), c.s.history("bo")),
        (ana_before, bo_before)
    );
    // Bo's own answer still goes in.
    let graded =
        c.s.post(
            &mut c.bo,
            "/drill/grade",
            &[("run", &run), ("id", &id), ("grade", "3")],
        )
        .await;
    assert_eq!(graded.status, StatusCode::SEE_OTHER);
    assert_eq!(c.s.history("bo"), bo_before + 1);

    // A card's page shows ana her own history, whatever the address says.
    let card =
        c.s.get(&mut c.ana, &format!("/decks/fx/cards/c1?user={}", c.bo_id))
            .await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(!card.body.contains(">bo<"));
    // Decks of no class of hers are not hers to browse.
    let shipped =
        c.s.get(&mut c.ana, &format!("/decks/{}", recall::deck::SHIPPED_ID))
            .await;
    assert_eq!(shipped.status, StatusCode::NOT_FOUND);
    // Though an instructor (in no class) browses every installed deck.
    let shipped =
        c.s.get(&mut c.tess, &format!("/decks/{}", recall::deck::SHIPPED_ID))
            .await;
    assert_eq!(shipped.status, StatusCode::OK);
    let _ = (&mut c.cy, &mut c.root);
}

both!(an_instructor_sees_only_their_own_classes);

async fn an_instructor_sees_only_their_own_classes(mut c: Cast) {
    let before = c.s.snapshot();
    let (a, b) = (c.a.clone(), c.b.clone());
    let (ana, cy) = (c.ana_id.clone(), c.cy_id.clone());
    // Otto, another instructor: tess's class does not exist for him.
    for path in [
        format!("/classes/{a}"),
        format!("/classes/{a}/learners/{ana}"),
        format!("/classes/{a}/export.csv"),
        format!("/classes/{a}/export.json"),
        format!("/classes/{b}/learners/{ana}"),
        "/classes/999".to_string(),
        "/classes/x".to_string(),
        format!("/classes/{b}/learners/x"),
    ] {
        let reply = c.s.get(&mut c.otto, &path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        format!("/classes/{a}/invite"),
        format!("/classes/{a}/decks"),
    ] {
        let reply = c.s.post(&mut c.otto, &path, &[("deck", "fx")]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let classes = c.s.get(&mut c.otto, "/classes").await;
    assert!(!classes.body.contains("Nurses"));
    assert_eq!(
        c.s.get(&mut c.otto, "/admin").await.status,
        StatusCode::FORBIDDEN
    );
    // Publishing over tess's deck, into his own class.
    c.s.get(&mut c.otto, &format!("/classes/{b}")).await;
    let over = publish(
        &c.s,
        &mut c.otto,
        &b,
        &DECK.replace("version = 1", "version = 2"),
    )
    .await;
    assert_eq!(over.status, StatusCode::FORBIDDEN, "{}", over.body);
    assert_eq!(c.s.snapshot(), before);

    // Tess reads her learners, not otto's.
    let page =
        c.s.get(&mut c.tess, &format!("/classes/{a}/learners/{ana}"))
            .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(text(&page.body, "h1").as_deref(), Some("ana"));
    let other =
        c.s.get(&mut c.tess, &format!("/classes/{a}/learners/{cy}"))
            .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.s.get(&mut c.tess, &format!("/classes/{b}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.s.get(&mut c.tess, "/admin").await.status,
        StatusCode::FORBIDDEN
    );
    // Her exports: the whole dashboard as JSON, each table as CSV.
    let json =
        c.s.get(&mut c.tess, &format!("/classes/{a}/export.json"))
            .await;
    assert_eq!(json.status, StatusCode::OK);
    let board: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(board["class"], "Nurses");
    assert_eq!(board["deck"], "fx");
    let learners: Vec<&str> = board["report"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap())
        .collect();
    assert_eq!(learners, ["ana", "bo"]);
    assert_eq!(board["members"][1]["idle"], true, "bo has not drilled");
    let csv =
        c.s.get(&mut c.tess, &format!("/classes/{a}/export.csv?table=heat"))
            .await;
    assert_eq!(
        csv.body.lines().next(),
        Some("learner,deck,area,name,retention,reviews,passed,exam_percent")
    );
    assert_eq!(
        csv.body.lines().count(),
        1 + 2 * 3,
        "two learners, two areas and the total"
    );
    let members =
        c.s.get(
            &mut c.tess,
            &format!("/classes/{a}/export.csv?table=members"),
        )
        .await;
    assert!(members.body.contains("\nbo,,yes\n"), "{}", members.body);
    for bad in ["?table=secrets", "?days=0", "?deck=other", "?idle=x"] {
        let reply =
            c.s.get(&mut c.tess, &format!("/classes/{a}/export.csv{bad}"))
                .await;
        assert!(reply.status.is_client_error(), "{bad}: {}", reply.status);
    }
    // The dashboard sorts by an area through its column's link.
    let page = c.s.get(&mut c.tess, &format!("/classes/{a}?sort=b")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        attr(&page.body, "th[aria-sort]", "data-area").as_deref(),
        Some("b")
    );

    // The administrator manages accounts and may look at any class.
    assert_eq!(c.s.get(&mut c.root, "/admin").await.status, StatusCode::OK);
    assert_eq!(
        c.s.get(&mut c.root, &format!("/classes/{b}")).await.status,
        StatusCode::OK
    );
}

both!(logins_expire_and_end_on_logout_and_on_a_new_password);

async fn logins_expire_and_end_on_logout_and_on_a_new_password(c: Cast) {
    let s = &c.s;
    let (mut first, reply) = s.log_in("bo", &format!("bo {PASSWORD}")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let (mut second, _) = s.log_in("bo", &format!("bo {PASSWORD}")).await;
    assert_eq!(s.get(&mut second, "/").await.status, StatusCode::OK);

    // A new password from the first browser ends the second's login.
    s.get(&mut first, "/account").await;
    let new = "an even longer secret";
    let changed = s
        .post(
            &mut first,
            "/account",
            &[
                ("current", &format!("bo {PASSWORD}")),
                ("password", new),
                ("again", new),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(s.get(&mut first, "/").await.status, StatusCode::OK);
    assert_eq!(s.get(&mut second, "/").await.status, StatusCode::SEE_OTHER);
    let (_, old) = s.log_in("bo", &format!("bo {PASSWORD}")).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);

    // Logging out ends the login on the server: the cookie, replayed,
    // opens nothing.
    let kept = first.clone();
    s.get(&mut first, "/").await;
    let out = s.post(&mut first, "/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert!(!first.cookies.contains_key("recall_login"));
    let mut replayed = kept;
    assert_eq!(
        s.get(&mut replayed, "/").await.status,
        StatusCode::SEE_OTHER
    );

    // A login expires after 14 days.
    let (mut third, _) = s.log_in("bo", new).await;
    s.set_now("2026-03-16T08:59:59Z");
    assert_eq!(s.get(&mut third, "/").await.status, StatusCode::OK);
    s.set_now("2026-03-16T09:00:00Z");
    assert_eq!(s.get(&mut third, "/").await.status, StatusCode::SEE_OTHER);
}

both!(forms_without_their_token_or_from_another_site_change_nothing);

async fn forms_without_their_token_or_from_another_site_change_nothing(mut c: Cast) {
    let before = c.s.snapshot();
    let tess_token = c.tess.token.clone();
    let otto_token = c.otto.token.clone();
    for (token, origin) in [
        ("", Some(ORIGIN)),
        ("0123456789abcdef0123456789abcdef", Some(ORIGIN)),
        (otto_token.as_str(), Some(ORIGIN)),
        (tess_token.as_str(), Some("https://evil.example")),
        (tess_token.as_str(), Some("null")),
    ] {
        let mut fields = vec![("name", "Sneaky")];
        if !token.is_empty() {
            fields.push(("token", token));
        }
        let reply = c.s.post_raw(&mut c.tess, "/classes", &fields, origin).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "token {token:?} from {origin:?}"
        );
        let reply =
            c.s.post_raw(
                &mut c.tess,
                &format!("/classes/{}/invite", c.a),
                &fields,
                origin,
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    // A login form without its cookie's token.
    let mut stranger = Jar::default();
    let reply =
        c.s.post_raw(
            &mut stranger,
            "/login",
            &[("name", "ana"), ("password", &format!("ana {PASSWORD}"))],
            Some(ORIGIN),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(!stranger.cookies.contains_key("recall_login"));
    assert_eq!(c.s.snapshot(), before);
    // The same form with its token goes through.
    c.tess.token = tess_token;
    let reply =
        c.s.post(&mut c.tess, "/classes", &[("name", "Sneaky")])
            .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

both!(the_eleventh_wrong_password_in_a_minute_is_throttled);

async fn the_eleventh_wrong_password_in_a_minute_is_throttled(c: Cast) {
    let s = &c.s;
    for n in 1..=10 {
        let (_, reply) = s.log_in("ana", &format!("wrong {n}")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
        assert!(reply.body.contains("do not match"));
    }
    // The 11th is refused without a look at the password, right or not.
    let (_, reply) = s.log_in("ana", "wrong 11").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let (jar, reply) = s.log_in("ana", &format!("ana {PASSWORD}")).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("wait a minute"));
    assert!(!jar.cookies.contains_key("recall_login"));
    // A minute on, the right password works.
    s.set_now("2026-03-02T09:01:00Z");
    let (_, reply) = s.log_in("ana", &format!("ana {PASSWORD}")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // An unknown name is throttled the same way.
    for n in 1..=10 {
        let (_, reply) = s.log_in("nobody", &format!("guess {n}")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let (_, reply) = s.log_in("nobody", "guess 11").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_database_keeps_only_password_hashes_and_secret_digests() {
    let c = cast().await;
    for account in c.s.read(|store| store.accounts().unwrap()) {
        let hash = account.password.expect("every account here has a password");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }
    let mut bytes = Vec::new();
    for name in ["recall.sqlite3", "recall.sqlite3-wal"] {
        if let Ok(b) = std::fs::read(c.s.env.dir().join(name)) {
            bytes.extend(b);
        }
    }
    let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    for name in ["root", "tess", "otto", "ana", "bo", "cy"] {
        assert!(
            !found(&format!("{name} {PASSWORD}")),
            "{name}'s password is stored"
        );
    }
    assert!(!found(&c.s.setup), "the setup link's secret is stored");
    for jar in [&c.ana, &c.bo, &c.tess] {
        let cookie = &jar.cookies["recall_login"];
        assert!(!found(cookie), "a login cookie is stored as it is");
        assert!(found(&recall::accounts::secret_hash(cookie)));
    }
}

both!(publishing_a_new_version_shows_its_changes_and_keeps_history);

async fn publishing_a_new_version_shows_its_changes_and_keeps_history(mut c: Cast) {
    let a = c.a.clone();
    let ana_before = c.s.history("ana");
    let next = DECK
        .replace("version = 1", "version = 2")
        .replace("front = \"Front two\"", "front = \"Front two, edited\"")
        .replace(
            "[[cards]]\nid = \"c4\"\narea = \"b\"\nkind = \"basic\"\nfront = \"Front four\"\nback = \"Back four\"\n",
            "[[cards]]\nid = \"c5\"\narea = \"b\"\nkind = \"basic\"\nfront = \"Front five\"\nback = \"Back five\"\n",
        );
    let preview =
        c.s.upload(
            &mut c.tess,
            &format!("/classes/{a}/publish"),
            "fx.toml",
            &next,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let listed = |title: &str| -> Vec<String> {
        let doc = Html::parse_document(&preview.body);
        let h3 = Selector::parse("h3, ul").unwrap();
        let mut out = Vec::new();
        let mut on = false;
        for e in doc.select(&h3) {
            if e.value().name() == "h3" {
                on = e.text().collect::<String>().starts_with(title);
            } else if on {
                out = e
                    .select(&Selector::parse("li").unwrap())
                    .map(|li| li.text().collect::<String>())
                    .collect();
                on = false;
            }
        }
        out
    };
    assert_eq!(listed("Added"), ["Front five c5"]);
    assert_eq!(listed("Edited"), ["Front two, edited c2"]);
    assert_eq!(listed("Retired"), ["Front four c4"]);
    // Nothing is installed until the instructor confirms.
    assert_eq!(c.s.read(|s| s.deck_version(&"fx".into()).unwrap()), Some(1));
    let pending = attr(&preview.body, "input[name=pending]", "value").unwrap();
    let done =
        c.s.post(
            &mut c.tess,
            &format!("/classes/{a}/publish/confirm"),
            &[("pending", &pending)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(c.s.read(|s| s.deck_version(&"fx".into()).unwrap()), Some(2));
    assert_eq!(c.s.history("ana"), ana_before, "history kept");
    // Confirming twice publishes once.
    let again =
        c.s.post(
            &mut c.tess,
            &format!("/classes/{a}/publish/confirm"),
            &[("pending", &pending)],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    // A deck with errors is refused at its line and column.
    let broken =
        c.s.upload(
            &mut c.tess,
            &format!("/classes/{a}/publish"),
            "fx.toml",
            "[deck]\nid = \"fx\"\ntitle = 3\n",
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert!(broken.body.contains("fx.toml:3:"), "{}", broken.body);
}

#[test]
fn an_administrator_manages_accounts_and_classes_from_the_terminal() {
    let env = Env::new();
    let out = env
        .recall([
            "user",
            "add",
            "tess",
            "--role",
            "instructor",
            "--url",
            "https://recall.example.org/",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let link = text.lines().last().unwrap().trim();
    let secret = link
        .strip_prefix("https://recall.example.org/join/")
        .unwrap();
    assert!(recall::accounts::is_secret(secret), "{text}");
    let again = env
        .recall(["user", "add", "tess", "--role", "learner"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "recall: \"tess\" already has an account\n"
    );
    env.recall(["user", "add", "ana", "--role", "learner"])
        .assert()
        .success();
    env.recall(["class", "create", "Cohort 7", "--instructor", "tess"])
        .assert()
        .success();
    let refused = env
        .recall(["class", "create", "Mine", "--instructor", "ana"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "recall: ana is a learner: recall user role ana instructor\n"
    );
    env.recall(["class", "add", "1", "ana"]).assert().success();
    env.recall(["class", "assign", "1", recall::deck::SHIPPED_ID])
        .assert()
        .success();
    let list = env.recall(["class", "list"]).output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(
        list.lines()
            .nth(1)
            .unwrap()
            .contains("Cohort 7  tess               1"),
        "{list}"
    );

    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let tess = store.account_named("tess").unwrap().unwrap();
    assert_eq!(
        (tess.role, tess.password),
        (recall::store::Role::Instructor, None)
    );
    let invite = store
        .invite(
            &recall::accounts::secret_hash(secret),
            DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
                .unwrap()
                .to_utc(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(invite.user, Some(tess.user.id));
    let class = &store.classes().unwrap()[0];
    assert_eq!(store.members(class.id).unwrap()[0].user.name, "ana");
    env.recall(["user", "role", "ana", "instructor"])
        .assert()
        .success();
    assert_eq!(
        store.account_named("ana").unwrap().unwrap().role,
        recall::store::Role::Instructor
    );
}

/// Whether `tool` can run here; without it a test says so and passes,
/// unless `RECALL_CI=1` (as `.ci/run` sets), where the skip fails.
fn have(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        let why = format!("SKIPPED: the TLS test needs {tool} (apt-get install -y {tool})");
        assert!(std::env::var("RECALL_CI").as_deref() != Ok("1"), "{why}");
        eprintln!("{why}");
    }
    found
}

#[test]
fn the_class_server_speaks_https_with_a_certificate_given() {
    if !have("openssl") || !have("curl") {
        return;
    }
    let env = Env::new();
    let dir = env.dir();
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // A certificate that cannot be read: a clear sentence, and no
    // database, no setup link.
    let missing = env
        .recall([
            "serve",
            "--class",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "nope.pem",
            "--tls-key",
            "key.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .starts_with("recall: cannot read the certificate nope.pem or its key key.pem:")
    );
    assert!(missing.stdout.is_empty());
    assert!(!dir.join("recall.sqlite3").exists());

    let port = common::server::free_port();
    let server = common::server::Server::start(
        env.process([
            "serve",
            "--class",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
        ]),
        port,
    );
    let printed = &server.banner;
    assert!(printed.starts_with(&format!(
        "recall is serving a class at https://127.0.0.1:{port}/"
    )));
    let link = printed
        .split_whitespace()
        .find(|w| w.contains("/join/"))
        .unwrap()
        .to_string();
    let curl = |args: &[&str]| {
        let out = std::process::Command::new("curl")
            .args(["-sk", "--max-time", "10"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for version in ["--http1.1", "--http2"] {
        assert_eq!(
            curl(&[version, &format!("https://127.0.0.1:{port}/health")]),
            "ok\n"
        );
    }
    let headers = curl(&["-D", "-", "-o", "/dev/null", &link]);
    assert!(headers.starts_with("HTTP/2 200"), "{headers}");
    let cookie = headers
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: recall_form=")
        })
        .unwrap_or_else(|| panic!("{headers}"));
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // Plain HTTP is not spoken on that port.
    assert_eq!(curl(&[&format!("http://127.0.0.1:{port}/health")]), "");
}

both!(what_an_intruder_tried_on_the_class_server_is_refused);

async fn what_an_intruder_tried_on_the_class_server_is_refused(mut c: Cast) {
    // Passwords tried all at once are counted as they are tried: at most
    // ten get an answer, the rest wait for the minute.
    let mut tries = Vec::new();
    for n in 0..30 {
        let s = &c.s;
        tries.push(async move {
            let (_, reply) = s.log_in("bo", &format!("guess {n}")).await;
            reply.status
        });
    }
    let statuses = futures_join(tries).await;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused, 10, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS)
    );

    // After logging in, only a path on this server: never a look-alike
    // that a browser reads as another site.
    c.s.set_now("2026-03-02T09:05:00Z");
    for next in [
        "/\t/evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/x\ny",
    ] {
        let mut jar = Jar::default();
        c.s.get(&mut jar, "/login").await;
        let reply =
            c.s.post(
                &mut jar,
                "/login",
                &[
                    ("name", "ana"),
                    ("password", &format!("ana {PASSWORD}")),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(reply.location.as_deref(), Some("/"), "{next:?}");
    }

    // A card of another class's deck is not a learner's to read.
    let mut cy_deck = DECK.replace("id = \"fx\"", "id = \"gx\"");
    cy_deck = cy_deck.replace("Front one", "Secret answer");
    c.s.get(&mut c.otto, &format!("/classes/{}", c.b)).await;
    let published = publish(&c.s, &mut c.otto, &c.b, &cy_deck).await;
    assert_eq!(published.status, StatusCode::OK);
    let card = c.s.get(&mut c.ana, "/decks/gx/cards/c1").await;
    assert_eq!(card.status, StatusCode::NOT_FOUND);
    assert!(!card.body.contains("Secret answer"));
    assert_eq!(
        c.s.get(&mut c.cy, "/decks/gx/cards/c1").await.status,
        StatusCode::OK
    );

    // A learner's name that a spreadsheet would run is written as text.
    c.s.get(&mut c.tess, &format!("/classes/{}", c.a)).await;
    invite(&c.s, &mut c.tess, &c.a, "=HYPERLINK(\"x\")").await;
    let members =
        c.s.get(
            &mut c.tess,
            &format!("/classes/{}/export.csv?table=members", c.a),
        )
        .await;
    assert!(
        members.body.contains("\"'=HYPERLINK(\"\"x\"\")\",,yes"),
        "{}",
        members.body
    );
}

/// Runs the futures together, on this task.
async fn futures_join<F: std::future::Future>(all: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = all.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in pinned.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}
