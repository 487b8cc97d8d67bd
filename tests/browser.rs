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
        if now != before && ready == "complete" {
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

#[tokio::test]
async fn drill_exam_and_report_in_headless_chromium() {
    if !Path::new(DRIVER).exists() || !Path::new(CHROMIUM).exists() {
        let why = "SKIPPED: browser test needs chromium and chromium-driver \
                   (apt-get install -y chromium chromium-driver)";
        assert!(std::env::var("RECALL_CI").as_deref() != Ok("1"), "{why}");
        eprintln!("{why}");
        return;
    }
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
    let c = loop {
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
    };
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
