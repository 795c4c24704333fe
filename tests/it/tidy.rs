//! Tidy checks: the architecture's invariants, enforced.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") && p.file_name().is_some_and(|n| n != "build.rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_module_says_what_it_is_for() {
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri/src", "tests"] {
        rust_files(&root().join(dir), &mut files);
    }
    let undocumented: Vec<_> =
        files.iter().filter(|p| !std::fs::read_to_string(p).expect("read").trim_start().starts_with("//!")).collect();
    assert!(undocumented.is_empty(), "files without a //! module doc: {undocumented:?}");
}

fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(manifest)).expect("manifest");
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                if !name.trim().is_empty() && !name.starts_with('#') {
                    deps.push(name.trim().to_string());
                }
            }
        }
    }
    deps
}

#[test]
fn async_tests_run_on_a_multi_threaded_runtime() {
    // The store hands its blocking work over with `block_in_place`, which a current-thread runtime
    // (the default of tokio's test attribute) does not allow.
    let mut files = Vec::new();
    rust_files(&root().join("tests"), &mut files);
    rust_files(&root().join("crates"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(!text.contains(&format!("#[tokio::{}]", "test")), "{}: use flavor = \"multi_thread\"", file.display());
    }
}

#[test]
fn the_crate_graph_keeps_its_nevers() {
    // Each crate's Folio dependencies, exactly: extract and core never reach the stores or the models,
    // store and models never each other, and the front ends see only the engine (and core's records).
    for (manifest, allowed) in [
        ("crates/folio-core/Cargo.toml", &[][..]),
        ("crates/folio-extract/Cargo.toml", &["folio-core"][..]),
        ("crates/folio-store/Cargo.toml", &["folio-core"][..]),
        ("crates/folio-models/Cargo.toml", &["folio-core"][..]),
        ("crates/folio-engine/Cargo.toml", &["folio-core", "folio-extract", "folio-models", "folio-store"][..]),
        ("crates/folio-cli/Cargo.toml", &["folio-core", "folio-engine"][..]),
        ("crates/folio-dev/Cargo.toml", &["folio-core", "folio-engine"][..]),
        ("src-tauri/Cargo.toml", &["folio-core", "folio-engine"][..]),
    ] {
        let mut ours: Vec<String> = dependencies(manifest).into_iter().filter(|d| d.starts_with("folio-")).collect();
        ours.sort();
        assert_eq!(ours, allowed, "{manifest}: Folio crates it depends on");
    }
}

#[test]
fn only_the_store_writes_the_derived_stores() {
    // The store's fields are private and its Tantivy and LanceDB types are not exported, so the
    // consistency protocol cannot be bypassed; the one way around it, `fault` (damage for the recovery
    // tests), is used by tests alone; the engine re-exports no store type.
    let store = std::fs::read_to_string(root().join("crates/folio-store/src/lib.rs")).expect("store");
    let fields = store.split("pub struct Store {").nth(1).and_then(|s| s.split("\n}").next()).expect("struct Store");
    assert!(!fields.contains("pub "), "Store's fields are private: {fields}");
    for line in store.lines().filter(|l| l.starts_with("pub use")) {
        assert!(!line.contains("FullText") && !line.contains("Vectors"), "the store exports its internals: {line}");
    }
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri/src"] {
        rust_files(&root().join(dir), &mut files);
    }
    for file in files.iter().filter(|f| !f.starts_with(root().join("crates/folio-store"))) {
        let text = std::fs::read_to_string(file).expect("read");
        assert!(!text.contains("fault::"), "{}: only tests damage the stores", file.display());
        assert!(!text.contains("pub use folio_store"), "{}: re-exports a store type", file.display());
    }
}

#[test]
fn heavy_dependencies_stay_in_their_crates() {
    let core = dependencies("crates/folio-core/Cargo.toml");
    // ts-rs is a derive, optional, switched on only by the desktop shell for the UI's type declarations;
    // whatlang is pure computation (trigram tables compiled in, no I/O).
    assert_eq!(core, ["serde", "thiserror", "whatlang", "ts-rs"], "folio-core stays pure");
    for (manifest, forbidden) in [
        (
            "crates/folio-core/Cargo.toml",
            &["tokio", "rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "tauri"][..],
        ),
        (
            "crates/folio-extract/Cargo.toml",
            &["tokio", "rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "tauri"],
        ),
        ("crates/folio-store/Cargo.toml", &["fastembed", "mistralrs", "tauri", "ort"]),
        ("crates/folio-models/Cargo.toml", &["rusqlite", "tantivy", "lancedb", "tauri"]),
        (
            "crates/folio-engine/Cargo.toml",
            &["rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "ort", "tauri"],
        ),
        ("crates/folio-cli/Cargo.toml", &["rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "ort", "tauri"]),
        ("crates/folio-dev/Cargo.toml", &["rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "ort", "tauri"]),
        ("src-tauri/Cargo.toml", &["rusqlite", "tantivy", "lancedb", "fastembed", "mistralrs", "ort"]),
    ] {
        let deps = dependencies(manifest);
        for f in forbidden {
            assert!(!deps.iter().any(|d| d == f), "{manifest} must not depend on {f}");
        }
    }
}

#[test]
fn embedded_migrations_match_the_migrations_folder() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("migrations"))
        .expect("migrations")
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".sql")).map(str::to_string))
        .collect();
    on_disk.sort();
    assert_eq!(folio_store::migration_names(), on_disk);
    for (i, name) in on_disk.iter().enumerate() {
        assert!(name.starts_with(&format!("{:04}_", i + 1)), "migrations are numbered NNNN_ from 0001: {name}");
    }
}

/// The UI's source files (TypeScript), tests excluded.
fn ui_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = entry.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if p.is_dir() {
            ui_sources(&p, out);
        } else if (name.ends_with(".ts") || name.ends_with(".tsx")) && !name.contains(".test.") {
            out.push(p);
        }
    }
}

#[test]
fn only_the_api_module_calls_tauri_and_only_one_component_sets_html() {
    let mut files = Vec::new();
    ui_sources(&root().join("ui/src"), &mut files);
    assert!(!files.is_empty(), "no UI sources found");
    let using = |needle: &str| -> Vec<String> {
        files
            .iter()
            .filter(|p| std::fs::read_to_string(p).expect("read").contains(needle))
            .map(|p| p.strip_prefix(root().join("ui/src")).unwrap().display().to_string())
            .collect()
    };
    assert_eq!(using("@tauri-apps/api"), ["api.ts"], "only ui/src/api.ts may call Tauri");
    assert_eq!(using("__TAURI__"), Vec::<String>::new(), "the global Tauri object is off");
    // The one HTML the UI inserts is the answer, sanitised in Rust (src-tauri/src/render.rs).
    assert_eq!(using("dangerouslySetInnerHTML"), ["components/AnswerHtml.tsx"], "untrusted text is set as text");
    for raw in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"] {
        assert_eq!(using(raw), Vec::<String>::new(), "{raw} makes markup from strings");
    }
}

/// The `[profile.<name>.package.*]` tables of the root manifest, as (package, settings) in order.
fn package_profile(manifest: &str, profile: &str) -> Vec<(String, Vec<String>)> {
    let prefix = format!("[profile.{profile}.package.");
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line.starts_with(&prefix);
            if inside {
                out.push((line[prefix.len()..].trim_end_matches(']').to_string(), Vec::new()));
            }
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            out.last_mut().expect("a table").1.push(line.to_string());
        }
    }
    out
}

#[test]
fn release_builds_dependencies_with_the_same_opt_levels_as_dev() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let dev = package_profile(&manifest, "dev");
    assert!(dev.len() > 10, "{dev:?}");
    assert_eq!(package_profile(&manifest, "release"), dev, "a cold release build would cost hours more");
}
