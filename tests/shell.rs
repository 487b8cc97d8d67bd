//! The checks that need a real terminal (tmux) or a real browser
//! (Chromium), run from `cargo test` through their scripts. Each script
//! skips loudly when its tool is missing; with `RECALL_CI=1` a skip fails.

use std::process::Command;

fn script(name: &str) {
    let bin = assert_cmd::cargo::cargo_bin!("recall");
    let out = Command::new("bash")
        .arg(format!("tests/{name}"))
        .arg(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("bash");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Shown with --nocapture, and on failure.
    println!("{text}");
    assert!(out.status.success(), "{name} failed:\n{text}");
}

#[test]
fn a_drill_in_a_real_terminal() {
    script("tmux-drill.sh");
}

#[test]
fn the_html_report_in_a_real_browser() {
    script("html-report.sh");
}
