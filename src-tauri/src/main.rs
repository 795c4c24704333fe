//! Folio's desktop shell: Tauri commands a few lines long over the engine, and the DTOs the UI sees.
//! `state` holds the app's state, `commands/` the commands by area, `background` the work done off the
//! window, `dialogs` the native dialogs; this file starts the app (the builder, its plugins and
//! window events).
//!
//! Invariant: only this crate knows Tauri and IPC. Every command converts engine types to DTOs by hand
//! and engine errors to [`ErrorDto`] with a stable `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
mod dialogs;
mod state;

use std::path::PathBuf;

use folio_app::grants::Grants;
use folio_app::slot::LibrarySlot;
use folio_engine::settings::Settings;
use folio_engine::LibraryConfig;
use tauri::Manager;

use state::AppState;

fn main() {
    // Folio's extraction worker (a child of the app itself): parse files, nothing else.
    if std::env::args_os().nth(1).is_some_and(|a| a == folio_engine::WORKER_ARG) {
        if let Err(e) = folio_engine::serve_extract_worker() {
            eprintln!("folio extraction worker: {e}");
            std::process::exit(1);
        }
        return;
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(
                "warn,mistralrs_core=error,mistralrs_quant=error,mistralrs=error,lance=error",
            )
        }))
        .init();
    // LanceDB's futures are deep at low optimisation levels: give the runtime's threads room.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(8 << 20).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("folio: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let settings_path = Settings::default_path();
    // An unreadable settings file is set aside (not overwritten) and reported; the defaults go on.
    let mut saved = Settings::load(&settings_path).unwrap_or_else(|(defaults, e)| {
        tracing::error!("{e}");
        defaults
    });
    // A move cut short (the app stopped mid-way) is settled by where the library is now.
    if saved.library_moving_to.is_some() {
        saved.library_dir = saved.library_dir();
        saved.library_moving_to = None;
        if let Err(e) = saved.save(&settings_path) {
            tracing::error!("cannot save settings to {}: {e}", settings_path.display());
        }
    }
    // `$FOLIO_LIBRARY`, else the folder chosen in Settings (which must then hold the library), else the
    // default.
    let (dir, must_exist) = folio_engine::settings::library_location(None, &saved);
    let mut config = LibraryConfig::new(dir);
    config.must_exist = must_exist;
    config.chat_model = saved.chat_model.clone().filter(|p| p.is_file());
    if let Some(threads) = saved.index_threads {
        config.threads = threads.max(1);
    }
    // Paths named on the command line ("Open with Folio", a launcher) are the user's choice.
    let named: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).filter(|p| p.is_absolute()).collect();
    let result = tauri::Builder::default()
        // Native dialogs, opened by Folio's commands only (the page has no dialog permission).
        .plugin(tauri_plugin_dialog::init())
        // The window never leaves Folio's page (folio_app::navigation).
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("folio-navigation")
                .on_navigation(|webview, url| match folio_app::navigation::decide(url.as_str()) {
                    folio_app::navigation::Navigation::Stay => true,
                    folio_app::navigation::Navigation::OfferOutside(link) => {
                        dialogs::offer_outside(webview.app_handle(), link);
                        false
                    }
                    folio_app::navigation::Navigation::Refuse => {
                        tracing::warn!("the page tried to navigate to {url}; refused");
                        false
                    }
                })
                .build(),
        )
        .setup(|app| {
            // An installed package ships the embedding model, ONNX Runtime and SmolLM2 as resources.
            if let Ok(resources) = app.path().resource_dir() {
                let bundled = folio_engine::ModelPaths::new(resources.join("models"));
                if bundled.root.is_dir() {
                    if let Err(e) = config.models.adopt(&bundled) {
                        tracing::warn!("cannot use the models in {}: {e}", bundled.root.display());
                    }
                }
            }
            let state = AppState {
                library: LibrarySlot::new(config),
                background: std::sync::Mutex::new(None),
                stop: std::sync::Mutex::new(None),
                settings: std::sync::Mutex::new(saved),
                settings_path,
                grants: Grants::new(named),
            };
            app.manage(state);
            app.state::<AppState>().start_background(app.handle());
            Ok(())
        })
        // Paths dropped on the window are the user's choice; the page then asks to add them.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<AppState>() {
                    state.grants.grant(paths.iter().cloned());
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::library::add_paths,
            commands::library::pick_folders,
            commands::settings::pick_chat_model,
            commands::ask::search,
            commands::ask::ask,
            commands::ask::stop,
            commands::library::library_overview,
            commands::library::remove_folder,
            commands::library::jobs,
            commands::library::control_job,
            commands::chats::chats,
            commands::chats::chat_messages,
            commands::chats::rename_chat,
            commands::chats::delete_chat,
            commands::library::preview,
            commands::library::open_file,
            commands::settings::settings,
            commands::settings::set_chat_model,
            commands::settings::set_index_threads,
            commands::settings::set_ui_language,
            commands::library::set_library_dir,
            commands::settings::download_chat_model,
            commands::settings::embedding,
            commands::settings::download_embedder,
            commands::settings::switch_embedder
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("folio: the window could not start: {e}");
        std::process::exit(1);
    }
}
