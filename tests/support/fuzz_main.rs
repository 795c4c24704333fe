//! `folio-fuzz [--minutes N] [--format NAME] [--out DIR] [--seed S]`: runs the mutation fuzzer of
//! `folio_tests::fuzz` over each extractor (or one) for N minutes each, through the `folio` binary built
//! beside it, and prints what each run found. Exit 1 when an input killed or stopped the worker (the
//! inputs are saved under DIR); the fuzzer itself, like Folio's main process, must never crash.

use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let mut minutes = 1.0f64;
    let mut only: Option<String> = None;
    let mut out = PathBuf::from("fuzz-findings");
    let mut seed = 0x5eed_u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--minutes" => minutes = value().parse().unwrap_or_else(|_| usage()),
            "--format" => only = Some(value()),
            "--out" => out = PathBuf::from(value()),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    let exe = std::env::current_exe().expect("own path");
    let folio = exe.with_file_name("folio");
    if !folio.is_file() {
        eprintln!("folio-fuzz: {} is missing: build the workspace first", folio.display());
        std::process::exit(2);
    }
    let worker =
        folio_extract::worker::WorkerCommand { program: folio, args: vec![folio_extract::worker::WORKER_ARG.into()] };
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let budget = Duration::from_secs_f64(minutes * 60.0);
    let mut deaths = 0;
    for (name, (format, seeds)) in folio_tests::fuzz::seeds(&fixtures) {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let found = folio_tests::fuzz::fuzz(name, format, &seeds, &worker, budget, &out, seed);
        deaths += found.saved.len();
        let outcomes: Vec<String> = found.outcomes.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        println!("{name:9} {:>7} inputs; {}", found.runs, outcomes.join("; "));
        for f in &found.saved {
            println!("          saved {}", f.display());
        }
    }
    println!(
        "{deaths} inputs killed or stopped the worker; the fuzzer (Folio's main process in miniature) did not crash"
    );
    std::process::exit(i32::from(deaths > 0));
}

fn usage() -> ! {
    eprintln!("usage: folio-fuzz [--minutes N] [--format NAME] [--out DIR] [--seed S]");
    std::process::exit(2);
}
