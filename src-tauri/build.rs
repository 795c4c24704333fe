//! Generates the Tauri context (configuration, capabilities, icons) at build time. The app embeds the
//! built UI (`ui/dist`), so that must exist first.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", dist.display());
    assert!(dist.is_file(), "the web UI is not built ({} is missing): run `bash scripts/ui.sh` first", dist.display());
    tauri_build::build()
}
