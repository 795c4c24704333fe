//! Conversations: the persisted shape of chats and messages, and the pure parts of follow-up
//! questions (the rewrite prompt, cleaning the model's rewrite, and the fallback query).

use serde::{Deserialize, Serialize};

use crate::Citation;

/// A chat's id in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ChatId(pub i64);

/// A message's id in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MessageId(pub i64);

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person asking.
    User,
    /// Folio's answer.
    Assistant,
}

impl Role {
    /// The name stored in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }

    /// Parses a stored name (anything unknown reads as the assistant).
    pub fn parse(s: &str) -> Role {
        if s == "user" {
            Role::User
        } else {
            Role::Assistant
        }
    }
}

/// How a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// A question, or an answer written to the end.
    Complete,
    /// An answer still being written (a crash leaves this; recovery turns it into `Cancelled`).
    Answering,
    /// An answer the user stopped; the text is what was written until then.
    Cancelled,
    /// Answering failed; the text is the error.
    Failed,
    /// Retrieval found nothing relevant enough, so the model was not asked.
    NotFound,
}

impl MessageState {
    /// The name stored in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Complete => "complete",
            MessageState::Answering => "answering",
            MessageState::Cancelled => "cancelled",
            MessageState::Failed => "failed",
            MessageState::NotFound => "not_found",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> MessageState {
        match s {
            "complete" => MessageState::Complete,
            "answering" => MessageState::Answering,
            "cancelled" => MessageState::Cancelled,
            "not_found" => MessageState::NotFound,
            _ => MessageState::Failed,
        }
    }
}

/// A chat in the chat list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSummary {
    /// The chat's id.
    pub id: ChatId,
    /// Its title (the first question, until renamed).
    pub title: String,
    /// Messages in it.
    pub messages: u32,
    /// Seconds since the epoch of the last change.
    pub updated_at: i64,
}

/// One persisted message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Row id.
    pub id: MessageId,
    /// Who wrote it.
    pub role: Role,
    /// The text (for answers, with invalid citation markers removed).
    pub text: String,
    /// How it ended.
    pub state: MessageState,
    /// For questions: the standalone query actually searched (after rewriting a follow-up).
    pub search_query: Option<String>,
    /// For answers: the model that wrote it.
    pub model: Option<String>,
    /// For answers: the citations, with the cited passages as they were when answered.
    pub citations: Vec<Citation>,
    /// Seconds since the epoch.
    pub created_at: i64,
}

/// Longest chat title made from a question, in characters.
const TITLE_CHARS: usize = 60;

/// A chat title from its first question: one line, at most 60 characters, cut at a word.
pub fn title_from_question(question: &str) -> String {
    let flat: String = question.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= TITLE_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(TITLE_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > TITLE_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{cut}…")
}

/// The earlier turns a follow-up is asked with: the last `max_messages` messages (rounded down to whole
/// exchanges) of the exchanges whose answer the model wrote and that hold text, whether complete or
/// stopped. A question whose answer failed, found nothing or is empty is left out with its answer, so
/// that user and assistant turns alternate, as chat templates expect.
pub fn history_turns(messages: &[ChatMessage], max_messages: usize) -> Vec<(Role, String)> {
    let mut turns = Vec::new();
    for pair in messages.windows(2) {
        let (q, a) = (&pair[0], &pair[1]);
        let answered = matches!(a.state, MessageState::Complete | MessageState::Cancelled) && !a.text.is_empty();
        if q.role == Role::User && a.role == Role::Assistant && answered && !q.text.is_empty() {
            turns.push((Role::User, q.text.clone()));
            turns.push((Role::Assistant, a.text.clone()));
        }
    }
    let keep = max_messages / 2 * 2;
    turns.split_off(turns.len().saturating_sub(keep))
}

/// Instructions for rewriting a follow-up into a standalone search query.
pub const REWRITE_INSTRUCTIONS: &str = "Rewrite the last question of the conversation as one standalone search \
query that can be understood without the conversation. Replace pronouns and references with the names they refer \
to. Reply with the query only, on one line, with no explanation.";

/// The user message of a rewrite request: the recent turns (most recent last) and the follow-up.
pub fn rewrite_request(history: &[(Role, String)], question: &str) -> String {
    let mut text = String::from("Conversation:\n");
    for (role, content) in history {
        let who = match role {
            Role::User => "User",
            Role::Assistant => "Assistant",
        };
        let short: String = content.chars().take(400).collect();
        text.push_str(&format!("{who}: {}\n", short.trim()));
    }
    text.push_str(&format!("\nLast question: {}\n\nStandalone query:", question.trim()));
    text
}

/// The query in a model's rewrite, or `None` when the output is unusable (empty, a refusal, runaway).
pub fn clean_rewrite(output: &str) -> Option<String> {
    let line = output.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut q = line;
    for prefix in ["standalone query:", "query:", "search query:", "rewritten question:"] {
        if q.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)) {
            q = q[prefix.len()..].trim();
        }
    }
    let q = q.trim_matches(|c: char| c == '"' || c == '\'' || c == '`' || c == '“' || c == '”').trim();
    let words = q.split_whitespace().count();
    if words == 0 || words > 40 || (q.contains("[") && q.contains("]")) {
        return None;
    }
    Some(q.to_string())
}

/// Whether a rewrite still asks what the follow-up asked: it must keep at least one of the follow-up's
/// content words (small models sometimes answer the earlier question instead of rewriting).
pub fn rewrite_keeps_question(rewrite: &str, question: &str) -> bool {
    const QUESTION_WORDS: &[&str] = &[
        "what", "which", "when", "where", "whom", "whose", "does", "did", "about", "that", "this", "with", "there",
        "their", "they", "them", "then", "than", "have", "has", "were", "will", "would", "could", "should", "also",
        "and", "how", "why", "who", "the", "for",
    ];
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).filter(|w| w.chars().count() >= 3).collect()
    };
    let content: Vec<String> = words(question).into_iter().filter(|w| !QUESTION_WORDS.contains(&w.as_str())).collect();
    if content.is_empty() {
        return true;
    }
    let kept = words(rewrite);
    content.iter().any(|w| kept.contains(w))
}

/// The query searched when a follow-up cannot be rewritten: the previous search query followed by the
/// follow-up, so that "and in 2021?" still finds what the conversation is about. Only the first
/// [`FALLBACK_CONTEXT_WORDS`] words of the previous query are kept, so that a run of failed rewrites
/// does not make the query grow with every turn.
pub fn fallback_query(previous: Option<&str>, question: &str) -> String {
    let context: Vec<&str> = previous.unwrap_or("").split_whitespace().take(FALLBACK_CONTEXT_WORDS).collect();
    if context.is_empty() {
        question.trim().to_string()
    } else {
        format!("{} {}", context.join(" "), question.trim())
    }
}

/// Words of the previous search query that a fallback query keeps.
pub const FALLBACK_CONTEXT_WORDS: usize = 24;
