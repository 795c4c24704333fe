//! Native dialogs Folio's commands open (the page has no dialog permission): confirmations, and the
//! offer to open a link outside Folio.

/// Asks `question` in a native dialog (which the page cannot answer); true on "Yes".
pub async fn confirm(app: &tauri::AppHandle, question: String) -> bool {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let dialog = app
        .dialog()
        .message(question)
        .title("Folio: please confirm")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Yes".into(), "Cancel".into()));
    tokio::task::spawn_blocking(move || dialog.blocking_show()).await.unwrap_or(false)
}

/// Asks the user whether to open `link` outside Folio (the full address shown), and opens it in the
/// default browser or mail program only on "Open".
pub fn offer_outside(app: &tauri::AppHandle, link: String) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    app.dialog()
        .message(folio_app::navigation::confirmation(&link))
        .title("Open a link outside Folio?")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Open in browser".into(), "Cancel".into()))
        .show(move |open| {
            if !open {
                return;
            }
            match std::process::Command::new("xdg-open").arg(&link).spawn() {
                // Reaped when it exits, so that no zombie is left.
                Ok(mut child) => {
                    std::thread::spawn(move || child.wait());
                }
                Err(e) => tracing::warn!("cannot open {link}: {e}"),
            }
        });
}
