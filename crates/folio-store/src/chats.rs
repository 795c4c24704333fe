//! Chats and their messages in the catalog (migration `0002_chats`).

use folio_core::chat::{ChatId, ChatMessage, ChatSummary, MessageId, MessageState, Role};
use folio_core::Citation;
use rusqlite::{params, OptionalExtension};

use crate::catalog::now;
use crate::catalog::Held;
use crate::{Catalog, StoreError};

/// A message to append.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    /// Who wrote it.
    pub role: Role,
    /// Its text.
    pub text: &'a str,
    /// Its state.
    pub state: MessageState,
    /// The standalone query searched, for questions.
    pub search_query: Option<&'a str>,
    /// The model, for answers.
    pub model: Option<&'a str>,
}

/// Chats and their messages ([`crate::Store::chats`]); the catalog is locked while the handle lives.
pub struct Chats<'a>(pub(crate) Held<'a>);

impl Chats<'_> {
    /// Starts a chat with the given title.
    pub fn create_chat(&self, title: &str) -> Result<ChatId, StoreError> {
        let t = now();
        self.0
            .conn
            .execute("INSERT INTO chats(title, created_at, updated_at) VALUES (?1, ?2, ?2)", params![title, t])?;
        Ok(ChatId(self.0.conn.last_insert_rowid()))
    }

    /// Every chat, most recently changed first.
    pub fn chats(&self) -> Result<Vec<ChatSummary>, StoreError> {
        let mut stmt = self.0.conn.prepare(&format!("{CHAT_SELECT} ORDER BY c.updated_at DESC, c.id DESC"))?;
        let rows = stmt.query_map([], chat_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The chat with this id, if it exists.
    pub fn chat(&self, id: ChatId) -> Result<Option<ChatSummary>, StoreError> {
        Ok(self.0.conn.query_row(&format!("{CHAT_SELECT} WHERE c.id = ?1"), [id.0], chat_from_row).optional()?)
    }

    /// Renames a chat; `false` when there is no such chat.
    pub fn rename_chat(&self, id: ChatId, title: &str) -> Result<bool, StoreError> {
        let n = self
            .0
            .conn
            .execute("UPDATE chats SET title = ?2, updated_at = ?3 WHERE id = ?1", params![id.0, title, now()])?;
        Ok(n == 1)
    }

    /// Deletes a chat and its messages; `false` when there is no such chat.
    pub fn delete_chat(&self, id: ChatId) -> Result<bool, StoreError> {
        Ok(self.0.conn.execute("DELETE FROM chats WHERE id = ?1", [id.0])? == 1)
    }

    /// Appends a message and returns its id.
    pub fn add_message(&self, chat: ChatId, m: NewMessage<'_>) -> Result<MessageId, StoreError> {
        self.add_messages(chat, &[m])
    }

    /// Records a question and the answer to come (empty, `answering`) in one transaction, so that no
    /// crash can leave a question without its answer's message; returns the answer's id.
    pub fn add_exchange(&self, chat: ChatId, question: NewMessage<'_>) -> Result<MessageId, StoreError> {
        let answer = NewMessage {
            role: Role::Assistant,
            text: "",
            state: MessageState::Answering,
            search_query: None,
            model: None,
        };
        self.add_messages(chat, &[question, answer])
    }

    /// Appends messages in one transaction; returns the last one's id.
    fn add_messages(&self, chat: ChatId, messages: &[NewMessage<'_>]) -> Result<MessageId, StoreError> {
        let tx = self.0.conn.unchecked_transaction()?;
        let t = now();
        let mut id = 0;
        for m in messages {
            tx.execute(
                "INSERT INTO messages(chat_id, role, content, state, search_query, model, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![chat.0, m.role.as_str(), m.text, m.state.as_str(), m.search_query, m.model, t],
            )?;
            id = tx.last_insert_rowid();
        }
        tx.execute("UPDATE chats SET updated_at = ?2 WHERE id = ?1", params![chat.0, t])?;
        tx.commit()?;
        Ok(MessageId(id))
    }

    /// Saves the text written so far of an answer still being written (a crash then keeps it, as
    /// cancelled); an answer already finished is left as it is.
    pub fn save_partial(&self, id: MessageId, text: &str) -> Result<bool, StoreError> {
        let changed = self
            .0
            .conn
            .execute("UPDATE messages SET content = ?2 WHERE id = ?1 AND state = 'answering'", params![id.0, text])?;
        Ok(changed == 1)
    }

    /// Sets the final text, state and citations of an answer still being written; an answer already
    /// finished is left as it is. Returns whether the answer was still being written.
    pub fn finish_message(
        &self,
        id: MessageId,
        text: &str,
        state: MessageState,
        citations: &[Citation],
    ) -> Result<bool, StoreError> {
        let citations = crate::stored::citations_json(citations)?;
        let changed = self.0.conn.execute(
            "UPDATE messages SET content = ?2, state = ?3, citations = ?4 WHERE id = ?1 AND state = 'answering'",
            params![id.0, text, state.as_str(), citations],
        )?;
        Ok(changed == 1)
    }

    /// Records the model writing an answer.
    pub fn set_message_model(&self, id: MessageId, model: &str) -> Result<(), StoreError> {
        self.0.conn.execute("UPDATE messages SET model = ?2 WHERE id = ?1", params![id.0, model])?;
        Ok(())
    }

    /// The messages of a chat, oldest first.
    pub fn messages(&self, chat: ChatId) -> Result<Vec<ChatMessage>, StoreError> {
        let mut stmt = self.0.conn.prepare(
            "SELECT id, role, content, state, search_query, model, citations, created_at
             FROM messages WHERE chat_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([chat.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, role, text, state, search_query, model, citations, created_at) = row?;
            out.push(ChatMessage {
                id: MessageId(id),
                role: Role::parse(&role),
                text,
                state: MessageState::parse(&state),
                search_query,
                model,
                citations: crate::stored::citations_from_json(&citations)?,
                created_at,
            });
        }
        Ok(out)
    }

    /// The search query of the chat's latest question, if any.
    pub fn last_search_query(&self, chat: ChatId) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .conn
            .query_row(
                "SELECT search_query FROM messages WHERE chat_id = ?1 AND role = 'user' ORDER BY id DESC LIMIT 1",
                [chat.0],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }
}

impl Catalog {
    /// Turns answers left `answering` by a crash or kill into `cancelled`; returns how many.
    pub(crate) fn recover_messages(&self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("UPDATE messages SET state = 'cancelled' WHERE state = 'answering'", [])?)
    }
}

const CHAT_SELECT: &str =
    "SELECT c.id, c.title, c.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id) FROM chats c";

fn chat_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChatSummary> {
    Ok(ChatSummary { id: ChatId(r.get(0)?), title: r.get(1)?, updated_at: r.get(2)?, messages: r.get(3)? })
}
