//! `folio chats`: list chats, show one with its sources, rename or delete one.

use std::io::Write;

use anyhow::Result;
use folio_engine::{ChatId, ChatMessage, ChatSummary, Library, MessageState, Role};
use serde::Serialize;

use crate::flags::ChatsAction;
use crate::terminal;

/// `folio chats --json`.
#[derive(Serialize)]
struct Chats {
    chats: Vec<ChatSummary>,
}

/// `folio chats show ID --json`.
#[derive(Serialize)]
struct Chat {
    chat: i64,
    messages: Vec<ChatMessage>,
}

/// Runs a `chats` action (none lists the chats).
pub fn chats(library: &Library, action: Option<ChatsAction>, as_json: bool) -> Result<()> {
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    match action {
        None => {
            let chats = library.chats()?;
            if as_json {
                return super::print_json(&mut out, &Chats { chats });
            }
            if chats.is_empty() {
                writeln!(out, "No chats yet.")?;
            }
            for c in chats {
                writeln!(out, "{:>4}  {}  ({} messages)", c.id.0, c.title, c.messages)?;
            }
        }
        Some(ChatsAction::Show { id }) => {
            let messages = library.chat_messages(ChatId(id))?;
            if as_json {
                return super::print_json(&mut out, &Chat { chat: id, messages });
            }
            for m in messages {
                let who = match m.role {
                    Role::User => "you",
                    Role::Assistant => m.model.as_deref().unwrap_or("folio"),
                };
                let state = match m.state {
                    MessageState::Cancelled => " (stopped)",
                    MessageState::Failed => " (failed)",
                    MessageState::Answering => " (interrupted)",
                    _ => "",
                };
                writeln!(out, "{who}{state}: {}", m.text)?;
                for c in &m.citations {
                    writeln!(out, "    [{}] {} ({})", c.marker, c.passage.path, c.passage.location.describe())?;
                }
            }
        }
        Some(ChatsAction::Rename { id, title }) => library.rename_chat(ChatId(id), &title)?,
        Some(ChatsAction::Delete { id }) => library.delete_chat(ChatId(id))?,
    }
    Ok(())
}
