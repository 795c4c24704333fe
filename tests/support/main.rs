//! `folio-fixtures DIR`: writes the fixture corpus to DIR, for benchmarks and manual runs.
//! `folio-fixtures hostile DIR`: writes the folder of hostile files (see `folio_tests::hostile`).

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let result = match args.as_slice() {
        [cmd, dir] if cmd == "hostile" => folio_tests::hostile::write(std::path::Path::new(dir)).map(|files| {
            for f in files {
                println!("{}\t{}\t{:?}", f.class, f.path.display(), f.expect);
            }
        }),
        [dir] => folio_tests::write_corpus(std::path::Path::new(dir)),
        _ => {
            eprintln!("usage: folio-fixtures DIR | folio-fixtures hostile DIR");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("folio-fixtures: {e}");
        std::process::exit(1);
    }
}
