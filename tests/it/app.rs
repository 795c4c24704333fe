//! The desktop app starts and keeps its window open (under Xvfb: CI has no display).

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn desktop_app_starts_under_xvfb() {
    let exe = std::env::current_exe().expect("test exe");
    let app = exe.parent().and_then(|d| d.parent()).expect("target dir").join("folio-app");
    assert!(app.is_file(), "{} is missing: build it with `cargo build -p folio-app` first", app.display());
    let library = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new("xvfb-run")
        .arg("-a")
        .arg(&app)
        .env("FOLIO_LIBRARY", library.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("xvfb-run (Debian package xvfb) must be installed; scripts/setup.sh does it");
    let started = Instant::now();
    let mut exited = None;
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(status) = child.try_wait().expect("wait") {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let pgid = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-TERM", "--", &pgid]).status();
    let output = child.wait_with_output().expect("output");
    assert!(exited.is_none(), "the app exited early with {exited:?}:\n{}", String::from_utf8_lossy(&output.stderr));
}
