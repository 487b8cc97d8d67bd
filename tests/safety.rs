//! Nothing given is ever lost: each test is one way an unlucky user or an
//! attacker once lost data or got locked out, driven through the binary.

mod common;

use common::{Drive, Env, card_starts, reply};
use recall::store::prelude::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn db(env: &Env) -> std::path::PathBuf {
    env.dir().join("recall.sqlite3")
}

/// Reviews in the log, read without recall.
fn reviews(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT COUNT(*) FROM reviews", [], |r| r.get(0))
        .unwrap()
}

/// Answers every prompt of a drill piped from `input` lines the learner
/// would type.
fn drill(env: &Env, args: &[&str]) -> std::process::Output {
    let mut d = Drive::spawn(env.process(std::iter::once("drill").chain(args.iter().copied())));
    while let Some(line) = d.line() {
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    let mut out = d.transcript.join("\n");
    out.push('\n');
    let (code, rest, err) = d.finish();
    out.push_str(&rest);
    std::process::Output {
        status: exit(code),
        stdout: out.into_bytes(),
        stderr: err.into_bytes(),
    }
}

#[cfg(unix)]
fn exit(code: Option<i32>) -> std::process::ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    std::process::ExitStatus::from_raw(code.unwrap_or(1) << 8)
}

// 1. Output files
#[test]
fn output_files_never_overwrite_the_database_or_an_existing_file() {
    let env = Env::new();
    let out = drill(&env, &["--limit", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = db(&env);
    let before = std::fs::read(&path).unwrap();
    for target in [
        path.clone(),
        env.dir().join("recall.sqlite3-wal"),
        env.dir().join("recall.sqlite3-shm"),
        env.dir().join("./recall.sqlite3"),
    ] {
        for args in [
            vec!["history", "export", "--out"],
            vec!["history", "export", "--force", "--out"],
            vec!["report", "--force", "--html"],
            vec!["backup", "--force"],
        ] {
            let mut args: Vec<String> = args.into_iter().map(String::from).collect();
            args.push(target.display().to_string());
            let out = env.recall(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(
                stderr(&out).contains("that is the database (or one of its files)"),
                "{args:?}: {}",
                stderr(&out)
            );
        }
    }
    // Through a symbolic link too.
    #[cfg(unix)]
    {
        let link = env.dir().join("link.db");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let out = env
            .recall(["history", "export", "--force", "--out", "link.db"])
            .output()
            .unwrap();
        assert!(
            stderr(&out).contains("that is the database"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the database is untouched"
    );
    assert_eq!(reviews(&path), 2);

    // An existing file is kept unless --force, and replaced whole with it.
    let file = env.dir().join("notes.txt");
    std::fs::write(&file, "keep me").unwrap();
    for args in [
        vec!["history", "export", "--out", "notes.txt"],
        vec!["report", "--html", "notes.txt"],
        vec!["backup", "notes.txt"],
    ] {
        let out = env.recall(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out),
            "recall: notes.txt: already exists (use --force to replace it)\n"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    }
    env.recall(["history", "export", "--force", "--out", "notes.txt"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");
}

// 2. First use
#[test]
fn a_first_use_that_failed_leaves_a_database_that_gets_its_deck() {
    // A bad RECALL_NOW fails before anything is created.
    let env = Env::new().on("not a time");
    let out = env.recall(["drill"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!db(&env).exists(), "nothing created");

    // A 0-byte file is a new database.
    let env = Env::new();
    std::fs::write(db(&env), b"").unwrap();
    env.recall(["status"]).assert().success();
    let out = env.recall(["deck", "list"]).output().unwrap();
    assert!(
        stdout(&out).contains("case-management-skills"),
        "{}",
        stdout(&out)
    );

    // A schema without a deck (a first use killed before it finished, by
    // an earlier recall) gets the deck on its next open.
    let env = Env::new();
    drop(recall::store::SqliteStore::open(&db(&env)).unwrap());
    let out = drill(&env, &["--limit", "1"]);
    assert!(stdout(&out).contains("1 card done"), "{}", stdout(&out));
    env.recall(["check"]).assert().success();
}

#[test]
fn check_reports_a_database_with_no_deck() {
    let env = Env::new();
    env.recall(["deck", "remove", "case-management-skills", "--yes"])
        .assert()
        .success();
    let out = env.recall(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("no deck is installed, so there is nothing to drill"),
        "{text}"
    );
    assert!(text.contains("`recall deck add --builtin`"), "{text}");
    // A removed deck is not given back behind the owner's back.
    let out = env.recall(["deck", "list"]).output().unwrap();
    assert!(
        stdout(&out).starts_with("no decks installed"),
        "{}",
        stdout(&out)
    );
}

// 3. A long write
#[test]
fn readers_never_wait_on_a_writer_and_a_drill_keeps_its_answer() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let path = db(&env);
    // Another process holds the write lock, in the middle of a write.
    let mut writer = rusqlite::Connection::open(&path).unwrap();
    let tx = writer
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute("INSERT INTO meta (key, value) VALUES ('busy', 'yes')", [])
        .unwrap();

    let mut d = Drive::spawn(env.process(["drill", "--limit", "2"]));
    let first = d.until(|l| reply(l).is_some()).expect("a card");
    // Reading commands answer while the lock is held, at once.
    for args in [
        vec!["status"],
        vec!["report"],
        vec!["deck", "list"],
        vec!["history", "export"],
        vec!["exam", "--history"],
    ] {
        let out = env.recall(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    d.send(reply(&first).unwrap_or("\n"));
    // Answered as prompted until the save meets the lock.
    loop {
        let line = d.line().expect("the drill goes on");
        if line.starts_with("The database is busy") {
            break;
        }
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    tx.rollback().unwrap();
    d.until(|l| l == "Saved.")
        .expect("saved once the lock is free");
    while let Some(line) = d.line() {
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    let (code, _, err) = d.finish();
    assert_eq!(code, Some(0), "{err}");
    drop(writer);
    assert_eq!(reviews(&path), 2, "no answer lost");
}

// 4. Concurrent first use
#[test]
fn many_processes_creating_one_database_at_once_all_succeed() {
    let env = Env::new();
    let children: Vec<_> = (0..24)
        .map(|i| {
            let mut cmd = env.process(["status"]);
            cmd.env("RECALL_USER", format!("learner{i}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = env.recall(["user", "list"]).output().unwrap();
    assert_eq!(stdout(&out).lines().count(), 25, "{}", stdout(&out));
    let out = env.recall(["deck", "list"]).output().unwrap();
    assert_eq!(stdout(&out).lines().count(), 2, "one deck, installed once");
    env.recall(["check"]).assert().success();
}

// 5. A clock set ahead
#[test]
fn a_clock_set_ahead_once_leaves_later_answers_their_own_time() {
    let env = Env::new().on("2031-06-01T09:00:00Z");
    drill(&env, &["--limit", "1"]);
    let env = env.on("2026-03-02T09:00:00Z");
    drill(&env, &["--limit", "2"]);
    let out = env.recall(["history", "export"]).output().unwrap();
    let times: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["reviewed_at"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        times,
        [
            "2026-03-02T09:00:00.000Z",
            "2026-03-02T09:00:00.000Z",
            "2031-06-01T09:00:00.000Z"
        ],
        "each answer keeps the time it was given"
    );
    env.recall(["check"]).assert().success();

    // At the far end of the calendar nothing overflows.
    let far = Env::new().on("9999-12-31T12:00:00Z");
    let out = drill(&far, &["--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    far.recall(["check"]).assert().success();
    far.recall(["check", "--repair"]).assert().success();
    let back = far.on("2026-03-02T09:00:00Z");
    let out = drill(&back, &["--limit", "1"]);
    assert!(stdout(&out).contains("1 card done"), "{}", stdout(&out));
    back.recall(["check"]).assert().success();
}

// 6. A database this user cannot write
#[test]
fn a_database_this_user_cannot_write_is_refused_before_any_card() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        use std::os::unix::process::CommandExt;
        let root = unsafe { libc::geteuid() } == 0;
        let shared = env.dir().join("shared");
        std::fs::create_dir(&shared).unwrap();
        let path = shared.join("class.db");
        std::fs::copy(db(&env), &path).unwrap();
        let cmd = |args: &[&str]| {
            let mut c = env.process(args);
            c.env("RECALL_DB", &path);
            c
        };
        if root {
            // A shared directory anyone may write to, like /tmp, and a
            // database that belongs to root: another user may not write it.
            std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        } else {
            std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        for args in [vec!["status"], vec!["drill"], vec!["report"]] {
            let mut c = cmd(&args);
            if root {
                c.uid(65534).gid(65534);
            }
            let out = c.stdin(std::process::Stdio::piped()).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert_eq!(stdout(&out), "", "no card is shown: {args:?}");
            assert!(
                stderr(&out).contains("you cannot write to it or to its directory"),
                "{}",
                stderr(&out)
            );
        }
        let left: Vec<String> = std::fs::read_dir(&shared)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["class.db"], "no -wal or -shm left behind");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = cmd(&["status"]).output().unwrap();
        assert!(
            out.status.success(),
            "the owner still gets in: {}",
            stderr(&out)
        );
    }
}

// 7. Another program's database
#[test]
fn another_programs_database_is_refused_byte_for_byte() {
    let env = Env::new();
    let path = env.dir().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT);
         INSERT INTO users (login) VALUES ('root');",
    )
    .unwrap();
    drop(conn);
    let marked = env.dir().join("marked.db");
    let conn = rusqlite::Connection::open(&marked).unwrap();
    conn.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);")
        .unwrap();
    drop(conn);
    for file in [&path, &marked] {
        let before = std::fs::read(file).unwrap();
        for args in [vec!["status"], vec!["deck", "list"], vec!["check"]] {
            let out = env.recall(&args).env("RECALL_DB", file).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert_eq!(
                stderr(&out),
                format!(
                    "recall: database {}: not a recall database (another program's SQLite file); left untouched\n",
                    file.display()
                )
            );
        }
        assert_eq!(std::fs::read(file).unwrap(), before);
        let mut wal = file.as_os_str().to_owned();
        wal.push("-wal");
        assert!(!std::path::Path::new(&wal).exists());
    }
}

// 8. The rollover hour during a drill
#[test]
fn an_answer_after_the_rollover_counts_for_the_new_day() {
    // The drill starts at 03:59 and each answer comes 40 seconds later.
    let env = Env::new().on("2026-03-02T03:59:00Z");
    let mut cmd = env.process(["drill", "--limit", "3"]);
    cmd.env("RECALL_TICK", "40");
    let mut d = Drive::spawn(cmd);
    while let Some(line) = d.line() {
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    assert_eq!(d.finish().0, Some(0));
    let out = env.recall(["history", "export"]).output().unwrap();
    let days: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["reviewed_at"].as_str().unwrap().to_string(),
                v["study_day"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            (
                "2026-03-02T03:59:40.000Z".to_string(),
                "2026-03-01".to_string()
            ),
            (
                "2026-03-02T04:00:20.000Z".to_string(),
                "2026-03-02".to_string()
            ),
            (
                "2026-03-02T04:01:00.000Z".to_string(),
                "2026-03-02".to_string()
            ),
        ]
    );
}

// 9. The quiz's correction
#[test]
fn a_quiz_shows_each_correction_and_an_early_enter_is_not_an_answer() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let mut d =
        Drive::spawn(env.process(["quiz", "--kinds", "typed", "--count", "2", "--seed", "1"]));
    d.until(|l| l.starts_with("Your answer")).unwrap();
    // Enter before typing anything: asked again, nothing graded.
    d.send("\n");
    d.until(|l| l.starts_with("Nothing typed"))
        .expect("asked again");
    d.send("certainly not this\n");
    d.until(|l| l == "not quite").unwrap();
    d.until(|l| l.starts_with("Answer: ")).unwrap();
    // The correction waits for a key.
    d.until(|l| l == "Enter: next")
        .expect("the correction stays");
    d.send("\n");
    d.until(|l| l.starts_with("quiz 2/2")).unwrap();
    d.until(|l| l.starts_with("Your answer")).unwrap();
    d.send("\n");
    d.until(|l| l.starts_with("Nothing typed")).unwrap();
    d.send("\n");
    d.until(|l| l == "Enter: next").unwrap();
    d.send("\n");
    let (code, rest, _) = d.finish();
    assert_eq!(code, Some(0));
    assert!(
        rest.contains("2 questions answered, 0 right (0%)"),
        "{rest}"
    );
    let missed: Vec<&str> = rest.lines().skip_while(|l| *l != "Missed:").collect();
    assert_eq!(missed.len(), 5, "{rest}");
    assert!(
        missed[2].starts_with("   yours: certainly not this · right: "),
        "{rest}"
    );
    assert!(
        missed[4].starts_with("   yours: no answer · right: "),
        "{rest}"
    );
}

// 10. An interrupted exam
#[test]
fn an_interrupted_exam_is_abandoned_and_time_running_out_is_scored() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let mut d = Drive::spawn(env.process(["exam", "--questions", "5", "--seed", "2"]));
    let line = d.until(|l| reply(l).is_some()).unwrap();
    d.send(reply(&line).unwrap());
    d.until(|l| l.starts_with("question 2/5")).unwrap();
    d.close();
    let (code, rest, _) = d.finish();
    assert_eq!(code, Some(0));
    assert!(
        rest.contains("the attempt is kept as abandoned and not scored"),
        "{rest}"
    );
    let out = env.recall(["exam", "--history"]).output().unwrap();
    let text = stdout(&out);
    let row = text.lines().nth(1).unwrap();
    assert!(row.contains("-      -  abandoned"), "{text}");
    let out = env.recall(["report", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        json["users"][0]["total"]["exam"].is_null()
            && json["users"][0]["areas"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["exam"].is_null()),
        "an abandoned attempt is never the latest score"
    );

    // Time running out is scored: two minutes, a minute and a half an
    // answer.
    let mut cmd = env.process(["exam", "--questions", "5", "--minutes", "2", "--seed", "2"]);
    cmd.env("RECALL_TICK", "90");
    let mut d = Drive::spawn(cmd);
    while let Some(line) = d.line() {
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    let mut text = d.transcript.join("\n");
    let (code, rest, _) = d.finish();
    assert_eq!(code, Some(0));
    text.push_str(&rest);
    assert!(
        text.contains("Time ran out: 4 questions unanswered"),
        "{text}"
    );
    let out = env.recall(["exam", "--history"]).output().unwrap();
    let rows: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert!(rows[2].contains("0/5     0%  fail       3 min"), "{rows:?}");
}

// 11. First use of every learner command
#[test]
fn every_learner_command_works_on_first_use() {
    for args in [
        vec!["status"],
        vec!["report"],
        vec!["quiz", "--count", "1"],
        vec!["exam", "--questions", "1"],
        vec!["exam", "--history"],
        vec!["history", "export"],
    ] {
        let env = Env::new();
        let out = env.recall(&args).write_stdin("a\n\n").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let out = env.recall(["user", "list"]).output().unwrap();
        assert!(stdout(&out).contains("*tester"), "{args:?}");
    }
}

// 12. The built-in deck, back from the binary
#[test]
fn the_builtin_deck_can_be_put_back_from_the_binary() {
    let env = Env::new();
    drill(&env, &["--limit", "2"]);
    env.recall(["deck", "remove", "case-management-skills", "--yes"])
        .assert()
        .success();
    let out = drill(&env, &[]);
    assert!(
        stdout(&out).contains(
            "No deck is installed: `recall deck add --builtin` puts back the built-in deck"
        ),
        "{}",
        stdout(&out)
    );
    let out = env.recall(["deck", "add", "--builtin"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("installed deck case-management-skills"));
    let out = drill(&env, &["--limit", "1"]);
    assert!(stdout(&out).contains("1 card done"), "{}", stdout(&out));
    let out = env.recall(["deck", "add"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a file or --builtin is needed");
}

// 13. Backups
#[test]
fn a_backup_holds_what_is_still_in_the_wal() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let path = db(&env);
    // A reader that stays open keeps the answers in the -wal.
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0))
        .unwrap();
    drill(&env, &["--limit", "5"]);
    let plain = env.dir().join("plain-copy.db");
    std::fs::copy(&path, &plain).unwrap();
    let lost = rusqlite::Connection::open(&plain)
        .and_then(|c| c.query_row("SELECT COUNT(*) FROM reviews", [], |r| r.get::<_, i64>(0)))
        .unwrap_or(0);
    assert!(lost < 5, "a plain copy misses what is in the -wal ({lost})");
    let out = env.recall(["backup", "copy.db"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    drop(reader);
    assert_eq!(reviews(&env.dir().join("copy.db")), 5);
    let out = env
        .recall(["check"])
        .env("RECALL_DB", env.dir().join("copy.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the copy is a sound database: {}",
        stdout(&out)
    );
}

// 14. Escape sequences in stored text
#[test]
fn control_characters_are_refused_in_decks_and_shown_not_obeyed_from_the_database() {
    let env = Env::new();
    // TOML itself refuses a raw control character in a string; written as
    // an escape, it is refused at the escape.
    let deck = "[deck]\nid = \"t\"\ntitle = \"T\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n\n\
                [[cards]]\nid = \"c\"\narea = \"a\"\nkind = \"basic\"\nfront = \"clear \\u001B[2J here\"\nback = \"b\\r\"\n";
    std::fs::write(env.dir().join("evil.toml"), deck).unwrap();
    let out = env.recall(["deck", "lint", "evil.toml"]).output().unwrap();
    assert_eq!(
        stdout(&out),
        "evil.toml:14:16: `front` holds U+001B, a control character, which would act on a learner's terminal\n\
         evil.toml:15:10: `back` holds U+000D, a control character, which would act on a learner's terminal\n"
    );
    let json = r#"{"deck": {"id": "t", "title": "T\u0007", "version": 1}}"#;
    std::fs::write(env.dir().join("evil.json"), json).unwrap();
    let out = env.recall(["deck", "lint", "evil.json"]).output().unwrap();
    assert!(
        stdout(&out).contains("\nevil.json:1:33: `title` holds U+0007, a control character"),
        "{}",
        stdout(&out)
    );
    std::fs::write(
        env.dir().join("evil.csv"),
        "front,back\nok,fine\nbad \u{7}bell,x\n",
    )
    .unwrap();
    let out = env.recall(["deck", "import", "evil.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "recall: evil.csv:3:5: this row holds U+0007, a control character that would act on a learner's terminal\n"
    );

    // Whatever the database holds, nothing acts on the terminal.
    drill(&env, &["--limit", "1"]);
    let conn = rusqlite::Connection::open(db(&env)).unwrap();
    let payload = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]8;;http://x\u{1b}\\\r\u{9b}31m";
    conn.execute(
        "UPDATE cards SET content = json_set(content, '$.front', ?1) WHERE kind = 'basic'",
        [format!("front {payload}")],
    )
    .unwrap();
    conn.execute(
        "UPDATE cards SET content = json_set(content, '$.text', ?1) WHERE kind = 'cloze'",
        [format!("text {payload} {{{{c1::gap}}}}")],
    )
    .unwrap();
    conn.execute("UPDATE areas SET name = ?1", [format!("area {payload}")])
        .unwrap();
    conn.execute("UPDATE decks SET title = ?1", [format!("deck {payload}")])
        .unwrap();
    conn.execute(
        "UPDATE users SET name = ?1 WHERE name = 'tester'",
        [format!("tester{payload}")],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO users (name, created_at) VALUES ('tester', '2026-01-01T00:00:00.000Z')",
        [],
    )
    .unwrap();
    drop(conn);
    let runs: Vec<(Vec<&str>, String)> = vec![
        (vec!["drill", "--new", "30"], "\n3\n".repeat(40)),
        (vec!["quiz", "--count", "12"], "a\n\n".repeat(30)),
        (vec!["exam", "--questions", "12"], "a\n".repeat(30)),
        (
            vec!["deck", "show", "case-management-skills", "--cards"],
            String::new(),
        ),
        (vec!["deck", "list"], String::new()),
        (vec!["status"], String::new()),
        (vec!["report", "--all-users"], String::new()),
        (vec!["report", "--all-users", "--csv"], String::new()),
        (vec!["user", "list"], String::new()),
        (vec!["deck", "show", "no\u{1b}[2Jsuch"], String::new()),
    ];
    for (args, input) in runs {
        let out = env.recall(&args).write_stdin(input).output().unwrap();
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            let bad: Vec<char> = text
                .chars()
                .filter(|c| (c.is_control() && *c != '\n') || *c == '\u{9b}')
                .collect();
            assert!(bad.is_empty(), "{args:?} {name} printed {bad:?}");
        }
    }
}

// 15. Formulas in a spreadsheet
#[test]
fn report_csv_cells_never_run_as_formulas() {
    let env = Env::new();
    drill(&env, &["--limit", "2"]);
    let conn = rusqlite::Connection::open(db(&env)).unwrap();
    conn.execute(
        "UPDATE areas SET name = '=HYPERLINK(\"http://x\",\"y\")' WHERE id = 'communication'",
        [],
    )
    .unwrap();
    conn.execute("UPDATE users SET name = '@SUM(A1)'", [])
        .unwrap();
    drop(conn);
    let out = env
        .recall(["report", "--all-users", "--csv"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut seen = 0;
    for row in reader.records() {
        let row = row.unwrap();
        for cell in row.iter() {
            assert!(
                !(cell.starts_with(['=', '+', '@']) || (cell.starts_with('-') && cell.len() > 1)),
                "{cell:?} in {text}"
            );
        }
        if &row[3] == "'=HYPERLINK(\"http://x\",\"y\")" {
            seen += 1;
        }
    }
    assert!(seen >= 1, "{text}");
    assert!(text.contains("'@SUM(A1)"), "{text}");
}

// 16. Repeated rows are summarised
#[test]
fn an_import_with_thousands_of_repeated_fronts_says_so_in_a_few_lines() {
    let env = Env::new();
    let mut csv = String::from("front,back,area\n");
    for i in 0..3_000 {
        csv.push_str(&format!("same front,back {i},A\n"));
        csv.push_str(&format!("other {},back,領域{i}\n", i % 7));
    }
    std::fs::write(env.dir().join("big.csv"), csv).unwrap();
    let out = env
        .recall(["deck", "import", "big.csv", "--out", "big.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let notes: Vec<&str> = std::str::from_utf8(&out.stderr).unwrap().lines().collect();
    assert_eq!(notes.len(), 9, "{notes:?}");
    assert_eq!(
        notes[0],
        "recall: note: line 4 and 2998 more rows: the front repeats an earlier row's (same-front-cac2be53); these cards get same-front-cac2be53-2 and so on"
    );
    assert_eq!(notes[8], "wrote big.toml: 6000 cards in 3001 areas");
}

// 17. Messages
#[test]
fn bad_bytes_are_placed_and_long_values_are_cut() {
    let env = Env::new();
    std::fs::write(env.dir().join("latin1.toml"), b"[deck]\nid = \"caf\xe9\"\n").unwrap();
    let out = env
        .recall(["deck", "lint", "latin1.toml"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "latin1.toml:2:10: not UTF-8 text (save the file as UTF-8)\n"
    );
    std::fs::write(env.dir().join("latin1.csv"), b"front,back\nok,\xe9t\xe9\n").unwrap();
    let out = env
        .recall(["deck", "import", "latin1.csv"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        "recall: latin1.csv:2:4: not UTF-8 text (save the file as UTF-8)\n"
    );
    std::fs::write(env.dir().join("h.jsonl"), b"{}\n{\"x\xff\": 1}\n").unwrap();
    let out = env
        .recall(["history", "import", "h.jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        "recall: h.jsonl:2:4: not UTF-8 text (save the file as UTF-8)\n"
    );

    let key = "k".repeat(100_000);
    std::fs::write(env.dir().join("long.toml"), format!("[deck]\n{key} = 1\n")).unwrap();
    let out = env.recall(["deck", "lint", "long.toml"]).output().unwrap();
    for line in stdout(&out).lines() {
        assert!(line.chars().count() < 200, "{} characters", line.len());
    }
    let out = env.recall(["deck", "show", &key]).output().unwrap();
    assert!(stderr(&out).chars().count() < 200);
}

#[test]
fn a_history_file_is_checked_row_by_row_and_problems_are_counted() {
    let env = Env::new();
    drill(&env, &["--limit", "3"]);
    let out = env.recall(["history", "export"]).output().unwrap();
    let rows: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(rows.len(), 3);
    // The same review twice.
    let twice = format!("{}\n{}\n{}\n", rows[0], rows[1], rows[0]);
    std::fs::write(env.dir().join("twice.jsonl"), twice).unwrap();
    let out = env
        .recall(["history", "import", "twice.jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        "recall: twice.jsonl:3: repeats line 1 (the same review id)\nrecall: nothing imported\n"
    );
    // A study day that cannot be the review's.
    let far = rows[0].replace(
        "\"study_day\":\"2026-03-02\"",
        "\"study_day\":\"2025-01-01\"",
    );
    std::fs::write(env.dir().join("far.jsonl"), format!("{far}\n")).unwrap();
    let out = env
        .recall(["history", "import", "far.jsonl"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).starts_with(
            "recall: far.jsonl:1: study_day 2025-01-01 cannot be the study day of a review at 2026-03-02T09:00:00.000Z"
        ),
        "{}",
        stderr(&out)
    );
    // Thirty bad rows: twenty listed, then a count.
    let bad = "{\"not\": \"a review\"}\n".repeat(30);
    std::fs::write(env.dir().join("bad.jsonl"), bad).unwrap();
    let out = env
        .recall(["history", "import", "bad.jsonl"])
        .output()
        .unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&out.stderr).unwrap().lines().collect();
    assert_eq!(lines.len(), 22, "{lines:?}");
    assert_eq!(lines[20], "recall: and 10 more problems");
    assert_eq!(lines[21], "recall: nothing imported");
    assert_eq!(reviews(&db(&env)), 3);
}

#[test]
fn names_and_environment_values_are_checked_and_said_why() {
    let env = Env::new();
    for (name, why) in [
        ("ann\u{202e}", "right-to-left overrides"),
        ("a\u{200b}nn", "zero-width or invisible characters"),
        ("bad\u{1b}name", "control characters"),
        ("   ", "a name needs a visible character"),
    ] {
        let out = env.recall(["user", "add", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(why), "{name:?}: {}", stderr(&out));
        let out = env.recall(["--user", name, "status"]).output().unwrap();
        assert!(stderr(&out).contains(why), "{name:?}: {}", stderr(&out));
    }
    // An empty RECALL_NOW is no RECALL_NOW.
    let out = env
        .recall(["status"])
        .env("RECALL_NOW", "")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let out = env
            .recall(["status"])
            .env("RECALL_NOW", std::ffi::OsStr::from_bytes(b"2026\xff"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("it is not UTF-8 text"),
            "{}",
            stderr(&out)
        );
    }
    // Answers that are not UTF-8.
    let out = env
        .recall(["drill"])
        .write_stdin(b"\xff\xfe\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the answers on standard input are not UTF-8 text"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_learner_removed_during_their_drill_is_told_plainly() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let mut d = Drive::spawn(env.process(["drill", "--limit", "3"]));
    let first = d.until(|l| reply(l).is_some()).unwrap();
    env.recall(["user", "remove", "tester", "--yes"])
        .assert()
        .success();
    d.send(reply(&first).unwrap_or("\n"));
    while let Some(line) = d.line() {
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    let (code, _, err) = d.finish();
    assert_eq!(code, Some(1));
    assert!(err.contains("they were removed while this ran"), "{err}");
    assert!(!err.contains("FOREIGN KEY"), "{err}");
}

#[test]
fn check_on_a_damaged_file_lists_the_damage_and_says_to_restore() {
    let env = Env::new();
    drill(&env, &["--limit", "3"]);
    let path = db(&env);
    let mut bytes = std::fs::read(&path).unwrap();
    // Wreck the pages after the first (the schema stays readable).
    for b in bytes.iter_mut().skip(4096 * 2).take(4096 * 6) {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let out = env.recall(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("integrity: ")), "{text}");
    assert!(text.contains("restore it from a backup"), "{text}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "check changed nothing"
    );
}

#[test]
fn the_answer_given_at_each_card_is_committed_before_the_next_appears() {
    // The drill's own promise, checked at every card through the log.
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let mut d = Drive::spawn(env.process(["drill", "--limit", "5"]));
    let mut answered = 0;
    while let Some(line) = d.line() {
        if card_starts(&line) || line.contains(" done, ") {
            assert_eq!(reviews(&db(&env)), answered, "at {line}");
        }
        let grades = line == "1 Again · 2 Hard · 3 Good · 4 Easy";
        if grades || (line.starts_with("Enter: ") && !line.starts_with("Enter: show")) {
            answered += 1;
        }
        if let Some(r) = reply(&line) {
            d.send(r);
        }
    }
    assert_eq!(d.finish().0, Some(0));
    assert_eq!(answered, 5);
}

// 3. A long write, from another process
#[test]
fn a_long_import_lets_readers_and_a_drill_through() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    let path = db(&env);
    let cards = recall::store::SqliteStore::open(&path)
        .unwrap()
        .deck_cards(&"case-management-skills".into())
        .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T09:00:00Z").unwrap();
    let mut file = String::new();
    for i in 0..20_000 {
        let at = start + chrono::Duration::seconds(i);
        let row = serde_json::json!({
            "deck": "case-management-skills",
            "card": cards[i as usize % cards.len()].id,
            "reviewed_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "study_day": at.format("%Y-%m-%d").to_string(),
            "mode": "exam", "quality": 4, "response_ms": null,
            "before_repetitions": 0, "before_ease": 250, "before_interval": 0,
            "before_due": null, "before_lapses": 0,
            "after_repetitions": 0, "after_ease": 250, "after_interval": 0,
            "after_due": null, "after_lapses": 0,
        });
        file.push_str(&row.to_string());
        file.push('\n');
    }
    std::fs::write(env.dir().join("long.jsonl"), file).unwrap();
    let mut import = env
        .process(["history", "import", "long.jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once its first transaction is in, the import is under way.
    while reviews(&path) == 0 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended early"
        );
        std::hint::spin_loop();
    }
    for args in [vec!["status"], vec!["report"], vec!["deck", "list"]] {
        let out = env.recall(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = drill(&env, &["--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 cards done"), "{}", stdout(&out));
    assert!(
        import.try_wait().unwrap().is_none(),
        "all of this ran while the import was writing"
    );
    let out = import.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reviews(&path), 20_003, "nothing lost on either side");
    env.recall(["check"]).assert().success();
}
