//! Generates the Tauri context (configuration, capabilities, icons) at build time. The app embeds the
//! built UI (`ui/dist`), so that must exist first.

fn main() {
    // Read at run time: `env!` would bake in the directory the build script was compiled in, which a
    // shared build cache may have compiled for another checkout.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dist = std::path::Path::new(&manifest).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", dist.display());
    assert!(dist.is_file(), "the web UI is not built ({} is missing): run `bash scripts/ui.sh` first", dist.display());
    tauri_build::build()
}
