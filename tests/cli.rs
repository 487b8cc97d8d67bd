//! The binary's surface: help, version, and clear errors.

mod common;

use common::Env;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn version_and_help_succeed() {
    let env = Env::new();
    let out = env.recall(["--version"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("recall {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = env.recall(["--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    // Every command is listed, each with its one line.
    for command in [
        "drill", "quiz", "exam", "report", "status", "deck", "user", "history", "check", "backup",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "{command} missing from:\n{help}"
        );
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    let out = Env::new().recall(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unrecognized subcommand 'frobnicate'"));
}

#[test]
fn a_bad_recall_now_is_one_clear_line() {
    let out = Env::new()
        .on("yesterday")
        .recall(["drill"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("recall: RECALL_NOW=\"yesterday\" is not an RFC 3339 time"),
        "{err}"
    );
}
