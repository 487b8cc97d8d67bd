//! `recall serve` in real headless Chromium, driven through chromedriver:
//! a drill of five cards by keyboard, a three-question exam, the report;
//! asserted on the page and on the database, with screenshots of each at
//! 1280 and 375 pixels wide written to `target/tmp/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test
//! says so and passes, unless `RECALL_CI=1` (as `.ci/run` sets), where a
//! skip is a failure.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Env;
use fantoccini::{Client, ClientBuilder, Locator};
use recall::deck::{Card, Content};
use recall::store::SqliteStore;
use recall::store::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";

/// Processes killed, with everything they started, however the test ends.
struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for child in &mut self.0 {
            // Each was started in its own process group: the group goes,
            // Chromium's renderers with it.
            if let Ok(pid) = i32::try_from(child.id()) {
                // SAFETY: kill(2) with a negative pid signals a process
                // group we created; it touches no memory.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn in_own_group(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Screenshots of the page at 1280 and at 375 pixels wide.
async fn screenshots(c: &Client, name: &str) {
    for (w, h) in [(1280, 900), (375, 812)] {
        c.set_window_size(w, h).await.unwrap();
        let png = c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(shots().join(format!("{name}-{w}.png")), png).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
}

/// Waits until the page is no longer `before` (a navigation finished).
async fn settled(c: &Client, before: &str) -> String {
    let started = Instant::now();
    loop {
        let now = c.source().await.unwrap();
        let ready = c
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        // A page of ours, whole: not the blank document a navigation
        // passes through.
        if now != before && ready == "complete" && now.contains("</main>") {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the page did not change:\n{now}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses `keys` on whatever has the focus.
async fn press(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn has(c: &Client, css: &str) -> bool {
    !c.find_all(Locator::Css(css)).await.unwrap().is_empty()
}

const ENTER: &str = "\u{E007}";

/// Answers the question on the page by keyboard: rightly when `card` is
/// the card it comes from, else with the first option, true, or a word.
async fn answer_by_keys(c: &Client, card: Option<&Card>) {
    if has(c, ".options input").await {
        let mut letters = String::new();
        for label in c.find_all(Locator::Css(".options label")).await.unwrap() {
            let shown = label.text().await.unwrap();
            let (letter, option) = shown.split_once(") ").unwrap();
            if let Some(Content::Choice { answer, .. }) = card.map(|c| &c.content) {
                if answer.iter().any(|a| a == option) {
                    letters.push_str(letter);
                }
            }
        }
        if letters.is_empty() {
            letters.push('a');
        }
        let multiple = has(c, ".options input[type=checkbox]").await;
        press(c, &letters).await;
        if multiple {
            press(c, ENTER).await;
        }
    } else if has(c, "button[data-key=t]").await {
        let truth = match card.map(|c| &c.content) {
            Some(Content::TrueFalse { answer, .. }) => *answer,
            _ => true,
        };
        press(c, if truth { "t" } else { "f" }).await;
    } else {
        let typed = match card.map(|c| &c.content) {
            Some(Content::Typed { answer, .. }) => answer.clone(),
            _ => "a guess".to_string(),
        };
        press(c, &format!("{typed}{ENTER}")).await;
    }
}

/// chromedriver, and a headless Chromium through it; both reaped with
/// `reaper`.
async fn browser(reaper: &mut Reaper) -> Client {
    // chromedriver, and a headless Chromium through it.
    let port = free_port();
    let mut driver = Command::new(DRIVER);
    driver
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    reaper.0.push(in_own_group(&mut driver).spawn().unwrap());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_string(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1280,900"]
        }),
    );
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            // Chromium's first start after an install can be slow.
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no browser session: {e}"),
        }
    }
}

/// One browser test at a time: two Chromiums on two cores make each
/// other's pages late.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whether the browser test cannot run here (said loudly; a failure in
/// CI).
fn skipped() -> bool {
    if Path::new(DRIVER).exists() && Path::new(CHROMIUM).exists() {
        return false;
    }
    let why = "SKIPPED: browser test needs chromium and chromium-driver \
               (apt-get install -y chromium chromium-driver)";
    assert!(std::env::var("RECALL_CI").as_deref() != Ok("1"), "{why}");
    eprintln!("{why}");
    true
}

#[tokio::test]
async fn drill_exam_and_report_in_headless_chromium() {
    if skipped() {
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let env = Env::new();
    let mut reaper = Reaper(Vec::new());

    // The server, as a learner starts it.
    let mut serve = env.process(["serve"]);
    serve.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut server = in_own_group(&mut serve).spawn().unwrap();
    let stdout = server.stdout.take().unwrap();
    reaper.0.push(server);
    let mut lines = BufReader::new(stdout);
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    // The rest of what it prints is read, so it never writes to a closed
    // pipe.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();

    let c = browser(&mut reaper).await;
    let outcome = run(&c, &url, &env).await;
    let _ = c.close().await;
    drop(reaper);
    outcome.unwrap();
}

async fn run(c: &Client, url: &str, env: &Env) -> Result<(), String> {
    let cards: HashMap<String, Card> = recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.content.prompt(), c))
        .collect();
    c.goto(url).await.map_err(|e| e.to_string())?;
    assert_eq!(text(c, "h1").await, "Today");
    assert_eq!(c.title().await.unwrap(), "Today · recall");

    // The drill, five cards, by keyboard only.
    let mut page = c.source().await.unwrap();
    press(c, " ").await; // Space: the focused page's main button starts it
    page = settled(c, &page).await;
    assert!(
        page.contains("class=\"progress\""),
        "Space starts the drill: {page}"
    );
    for n in 0..5 {
        assert_eq!(
            text(c, ".progress").await.split(' ').next().unwrap(),
            format!("{}/10", n + 1)
        );
        if n == 0 {
            screenshots(c, "drill").await;
        }
        let prompt = text(c, ".prompt").await;
        let card = cards.get(&prompt);
        if has(c, "a[data-key=space]").await {
            press(c, " ").await;
            page = settled(c, &page).await;
            assert!(has(c, ".answer").await, "Space shows the answer");
        } else {
            answer_by_keys(c, card).await;
            page = settled(c, &page).await;
            assert!(
                has(c, ".feedback .right").await,
                "a right answer is judged right: {page}"
            );
        }
        press(c, "3").await;
        page = settled(c, &page).await;
    }
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    let history = store.history(user.id).unwrap();
    assert_eq!(history.len(), 5, "five answers, each committed");
    assert!(history.iter().all(|r| r.mode == "drill" && r.quality == 4));
    assert_eq!(store.card_states(user.id).unwrap().len(), 5);

    // A three-question exam.
    c.goto(&format!("{url}exam")).await.unwrap();
    c.find(Locator::Css("input[name=questions]"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    c.find(Locator::Css("input[name=questions]"))
        .await
        .unwrap()
        .send_keys("3")
        .await
        .unwrap();
    page = c.source().await.unwrap();
    c.find(Locator::Css("form[action='/exam/start'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page = settled(c, &page).await;
    for n in 0..3 {
        assert!(
            text(c, ".progress")
                .await
                .starts_with(&format!("question {}/3", n + 1))
        );
        assert!(text(c, "#countdown").await.ends_with("left"));
        if n == 0 {
            screenshots(c, "exam").await;
        }
        let prompt = text(c, ".prompt").await;
        answer_by_keys(c, cards.get(&prompt)).await;
        page = settled(c, &page).await;
        assert!(!has(c, ".feedback").await, "no feedback during an exam");
    }
    let verdict = text(c, ".verdict").await;
    assert!(
        verdict.contains("score ") && (verdict.contains("PASS") || verdict.contains("FAIL")),
        "{verdict}"
    );
    screenshots(c, "exam-result").await;
    let attempts = store.exams(user.id).unwrap();
    assert_eq!(attempts.len(), 1);
    assert!(attempts[0].finished);
    assert_eq!(attempts[0].questions, 3);

    // The report.
    c.goto(&format!("{url}report")).await.unwrap();
    assert_eq!(text(c, "h1").await, "Retention by skill area");
    assert_eq!(
        c.find_all(Locator::Css("figure svg")).await.unwrap().len(),
        3
    );
    screenshots(c, "report").await;
    Ok(())
}

/// A deck whose every text a learner or an instructor sees holds markup
/// that would run if it were not escaped.
const HOSTILE_DECK: &str = r#"
[deck]
id = "hostile"
title = 'Class deck </style><script>window.__xss="title"</script>'
version = 1
description = '<img src=x onerror="window.__xss=1">'

[[areas]]
id = "safety"
name = 'Safety <script>window.__xss="area"</script>'

[[areas]]
id = "plans"
name = 'Plans <img src=x onerror="window.__xss=2">'
"#;

fn hostile_deck() -> String {
    let mut deck = HOSTILE_DECK.to_string();
    for n in 1..=10 {
        let area = if n % 2 == 0 { "plans" } else { "safety" };
        deck.push_str(&format!(
            "\n[[cards]]\nid = \"c{n}\"\narea = \"{area}\"\nkind = \"basic\"\n\
             front = 'Question {n} <img src=x onerror=\"window.__xss={n}\"> </style><b onclick=\"x()\">'\n\
             back = 'Answer {n} <script>window.__xss=\"back{n}\"</script>'\n"
        ));
    }
    deck
}

/// Elements the page's own markup does not make: scripts other than the
/// app's, event-handler attributes, style elements; and whether any
/// injected script ran.
async fn injected(c: &Client) -> Vec<String> {
    let found = c
        .execute(
            r"const bad = [];
              for (const s of document.querySelectorAll('script'))
                  if (s.getAttribute('src') !== '/static/app.js') bad.push('script ' + s.outerHTML.slice(0, 60));
              for (const e of document.querySelectorAll('*'))
                  for (const a of e.attributes)
                      if (a.name.toLowerCase().startsWith('on')) bad.push(e.tagName + ' ' + a.name);
              if (document.querySelectorAll('style').length) bad.push('style element');
              if (window.__xss !== undefined) bad.push('ran ' + window.__xss);
              return bad;",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Asserts the page holds no injected element, on `what`.
async fn clean(c: &Client, what: &str) {
    let bad = injected(c).await;
    assert!(bad.is_empty(), "{what}: {bad:?}");
}

/// The class server, started at `now`, and the lines it printed before
/// serving; its log goes to `log`.
fn class_server(env: &Env, now: &str, port: u16, log: &Path, reaper: &mut Reaper) -> Vec<String> {
    let env = Env::new_in(env.dir()).on(now);
    let mut serve = env.process(["serve", "--class", "--listen", &format!("127.0.0.1:{port}")]);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    serve.stdout(Stdio::piped()).stderr(log);
    let mut server = in_own_group(&mut serve).spawn().unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    reaper.0.push(server);
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the server stopped: {lines:?}"
        );
        let done = line.starts_with("Requests are logged");
        lines.push(line.trim().to_string());
        if done {
            break;
        }
    }
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    lines
}

/// Stops the server last started.
fn stop_server(reaper: &mut Reaper) {
    let mut server = reaper.0.remove(0);
    let _ = server.kill();
    let _ = server.wait();
}

async fn fill(c: &Client, css: &str, value: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Submits the form that holds `css` (its button) and waits for the page
/// that follows.
async fn submit(c: &Client, css: &str) -> String {
    let before = c.source().await.unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    settled(c, &before).await
}

async fn log_out(c: &Client) {
    submit(c, "form[action='/logout'] button").await;
    assert_eq!(text(c, "h1").await, "Log in");
}

async fn log_in(c: &Client, url: &str, name: &str, password: &str) {
    c.goto(&format!("{url}/login")).await.unwrap();
    fill(c, "input[name=name]", name).await;
    fill(c, "input[name=password]", password).await;
    submit(c, "form[action='/login'] button").await;
    assert_eq!(text(c, "h1").await, "Today", "{name} is logged in");
}

/// Takes up an invitation as someone new.
async fn join(c: &Client, link: &str, name: Option<&str>, password: &str) {
    c.goto(link).await.unwrap();
    if let Some(name) = name {
        fill(c, "input[name=name]", name).await;
    }
    fill(c, "input[name=password]", password).await;
    fill(c, "input[name=again]", password).await;
    submit(c, "main form button").await;
}

/// Drills by keyboard until the drill ends: basic cards shown with Space
/// and graded with `grade(n)` for the n-th answer. Every page is checked
/// for injected markup.
async fn keyboard_drill(
    c: &Client,
    url: &str,
    limit: Option<u32>,
    grade: impl Fn(usize) -> char,
) -> usize {
    c.goto(&format!("{url}/")).await.unwrap();
    if let Some(limit) = limit {
        fill(c, "input[name=limit]", &limit.to_string()).await;
    }
    let mut page = submit(c, "form[action='/drill/start'] button").await;
    let mut answered = 0;
    while has(c, ".progress").await {
        clean(c, "a card").await;
        press(c, " ").await;
        page = settled(c, &page).await;
        clean(c, "a card's answer").await;
        press(c, &grade(answered).to_string()).await;
        page = settled(c, &page).await;
        answered += 1;
        assert!(answered < 40, "the drill ends");
    }
    clean(c, "the drill's summary").await;
    answered
}

#[tokio::test]
async fn a_class_in_headless_chromium() {
    if skipped() {
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let env = Env::new();
    let log = env.dir().join("server.log");
    let deck_file = env.dir().join("hostile.toml");
    std::fs::write(&deck_file, hostile_deck()).unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut servers = Reaper(Vec::new());
    let mut reaper = Reaper(Vec::new());
    let c = browser(&mut reaper).await;
    let outcome = class_run(&c, &env, &url, port, &log, &deck_file, &mut servers).await;
    let _ = c.close().await;
    drop(reaper);
    drop(servers);
    outcome.unwrap();
}

const DAY_1: &str = "2026-03-02T09:00:00Z";
const DAY_2: &str = "2026-03-03T09:00:00Z";
const DAY_3: &str = "2026-03-04T09:00:00Z";

async fn class_run(
    c: &Client,
    env: &Env,
    url: &str,
    port: u16,
    log: &Path,
    deck_file: &Path,
    servers: &mut Reaper,
) -> Result<(), String> {
    let passwords = [
        ("root", "root's long password"),
        ("tess", "tess's long password"),
        ("ana", "ana's long password"),
        ("bo", "bo's long password"),
    ];
    let pw = |name: &str| passwords.iter().find(|p| p.0 == name).unwrap().1;

    // Day 1: the administrator from the setup link, an instructor, her
    // class and its deck, two invitations, and ana's first drill.
    let printed = class_server(env, DAY_1, port, log, servers);
    let setup = printed
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/join/")))
        .unwrap_or_else(|| panic!("no setup link in {printed:?}"))
        .to_string();
    join(c, &setup, Some("root"), pw("root")).await;
    assert_eq!(text(c, "h1").await, "Today");
    c.goto(&format!("{url}/admin")).await.unwrap();
    fill(c, "input[name=name]", "tess").await;
    submit(c, "form[action='/admin'] button").await;
    let tess_link = text(c, "#invite-link").await;
    log_out(c).await;
    join(c, &tess_link, None, pw("tess")).await;
    c.goto(&format!("{url}/classes")).await.unwrap();
    fill(c, "input[name=name]", "Cohort 7").await;
    submit(c, "form[action='/classes'] button").await;
    assert_eq!(text(c, "h1").await, "Cohort 7");
    let class_url = c.current_url().await.unwrap().to_string();
    c.find(Locator::Css("form[action$='/publish'] input[type=file]"))
        .await
        .unwrap()
        .send_keys(deck_file.to_str().unwrap())
        .await
        .unwrap();
    submit(c, "form[action$='/publish'] button").await;
    clean(c, "the publish preview").await;
    assert!(text(c, "main").await.contains("Added (10)"));
    screenshots(c, "class-publish").await;
    submit(c, "form[action$='/publish/confirm'] button").await;
    assert_eq!(text(c, "h1").await, "Published");
    c.goto(&class_url).await.unwrap();
    submit(c, "form[action$='/invite'] button").await;
    let first = text(c, "#invite-link").await;
    submit(c, "form[action$='/invite'] button").await;
    let second = text(c, "#invite-link").await;
    assert_ne!(first, second);
    log_out(c).await;

    join(c, &first, Some("ana"), pw("ana")).await;
    assert_eq!(text(c, "h1").await, "Today");
    clean(c, "ana's today").await;
    assert_eq!(keyboard_drill(c, url, Some(10), |_| '3').await, 10);
    log_out(c).await;

    // Day 2 (the server restarted: logins and invitations kept): ana's
    // reviews, two of them forgotten; bo's first drill.
    stop_server(servers);
    class_server(env, DAY_2, port, log, servers);
    log_in(c, url, "ana", pw("ana")).await;
    let answered = keyboard_drill(c, url, None, |n| if n == 1 || n == 3 { '1' } else { '3' }).await;
    assert_eq!(answered, 12, "ten reviews, two repeats");
    for page in [
        "/",
        "/report",
        "/decks",
        "/decks/hostile",
        "/decks/hostile/cards/c1",
    ] {
        c.goto(&format!("{url}{page}")).await.unwrap();
        clean(c, page).await;
    }
    assert!(
        text(c, "main").await.contains("Question 1 <img src=x"),
        "the markup is shown as text"
    );
    log_out(c).await;
    join(c, &second, Some("bo"), pw("bo")).await;
    assert_eq!(keyboard_drill(c, url, Some(10), |_| '4').await, 10);
    log_out(c).await;

    // Day 3: bo's reviews; then the instructor's dashboard.
    stop_server(servers);
    class_server(env, DAY_3, port, log, servers);
    log_in(c, url, "bo", pw("bo")).await;
    keyboard_drill(c, url, None, |n| if n == 0 { '1' } else { '3' }).await;
    log_out(c).await;
    log_in(c, url, "tess", pw("tess")).await;
    c.goto(&class_url).await.unwrap();
    clean(c, "the dashboard").await;
    screenshots(c, "class-dashboard").await;
    let cells = c
        .execute(
            r"const out = [];
              const areas = [...document.querySelectorAll('#heat-map thead th[data-area]')].map(t => t.dataset.area);
              for (const row of document.querySelectorAll('#heat-map tbody tr')) {
                  const name = row.querySelector('th').dataset.v;
                  row.querySelectorAll('td').forEach((td, i) =>
                      out.push([name, areas[i], td.dataset.v, td.querySelector('small').textContent]));
              }
              return out;",
            vec![],
        )
        .await
        .unwrap();
    let cells: Vec<(String, String, String, String)> = serde_json::from_value(cells).unwrap();
    assert_eq!(
        cells.len(),
        2 * 3,
        "two learners, two areas and the total: {cells:?}"
    );

    // The same figures as `recall report --all-users --json`.
    let out = Env::new_in(env.dir())
        .on(DAY_3)
        .recall(["report", "--all-users", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for (learner, area, value, count) in &cells {
        if area.is_empty() {
            continue; // the total: the JSON's covers every deck
        }
        let section = report["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["user"] == learner.as_str())
            .unwrap_or_else(|| panic!("{learner} in the JSON"));
        let figures = section["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["deck"] == "hostile" && f["area"] == area.as_str())
            .unwrap();
        let reviews = figures["reviews"]["reviews"].as_u64().unwrap();
        assert_eq!(count, &reviews.to_string(), "{learner} {area}");
        assert_eq!(reviews, 5, "{learner}'s reviews in {area}");
        match figures["reviews"]["retention"].as_f64() {
            Some(r) => assert_eq!(value, &format!("{r:.4}"), "{learner} {area}"),
            None => panic!("{learner} has a retention in {area}"),
        }
        compared += 1;
    }
    assert_eq!(compared, 4);

    // Every other page that shows the deck to its instructor.
    let ana_row = c
        .find(Locator::Css("#heat-map tbody th a[href*='/learners/']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    for page in [ana_row.as_str(), "/decks", "/decks/hostile", "/classes"] {
        c.goto(&format!("{url}{page}")).await.unwrap();
        clean(c, page).await;
    }
    screenshots(c, "class-learner").await;

    // Passwords are in neither the database nor the log.
    stop_server(servers);
    let mut stored = Vec::new();
    for name in ["recall.sqlite3", "recall.sqlite3-wal", "server.log"] {
        if let Ok(bytes) = std::fs::read(env.dir().join(name)) {
            stored.extend(bytes);
        }
    }
    let log_text = std::fs::read_to_string(log).unwrap();
    assert!(log_text.contains("route=/classes/{class}"), "{log_text}");
    for link in [&setup, &tess_link, &first, &second] {
        let secret = link.rsplit('/').next().unwrap();
        assert_eq!(secret.len(), 64);
        assert!(
            !log_text.contains(secret),
            "an invitation's secret is logged"
        );
    }
    for (name, password) in passwords {
        assert!(
            !stored
                .windows(password.len())
                .any(|w| w == password.as_bytes()),
            "{name}'s password is stored or logged"
        );
    }
    Ok(())
}
