//! `folio-fixtures DIR`: writes the fixture corpus to DIR, for benchmarks and manual runs.

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: folio-fixtures DIR");
        std::process::exit(2);
    };
    if let Err(e) = folio_tests::write_corpus(std::path::Path::new(&dir)) {
        eprintln!("folio-fixtures: {e}");
        std::process::exit(1);
    }
}
