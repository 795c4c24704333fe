//! Prompt assembly: numbered passages packed into a token budget, and the instructions around them.

use crate::{Passage, TokenCounter};

/// The instructions given to the model before the passages.
pub const INSTRUCTIONS: &str = "You are Folio, an assistant that answers questions using only the numbered \
passages from the user's own files below. Answer in the language of the question. After each claim, cite the \
passage it comes from with its number in square brackets, like [1] or [2][3]. If the passages do not contain the \
answer, say plainly that the files do not seem to contain it. Do not invent facts or sources.";

/// A system prompt and how many of the offered passages it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemPrompt {
    /// The full system message.
    pub text: String,
    /// Passages included, a prefix of those offered; passage `i` is numbered `[i + 1]`.
    pub passages: usize,
    /// Tokens of the system message, as counted.
    pub tokens: usize,
}

/// File name shown for a passage (the last path component).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The header and text of passage number `n`.
pub fn render_passage(n: usize, passage: &Passage) -> String {
    let location = passage.location.describe();
    let name = file_name(&passage.path);
    if location.is_empty() {
        format!("[{n}] {name}\n{}\n", passage.text)
    } else {
        format!("[{n}] {name} ({location})\n{}\n", passage.text)
    }
}

/// The start of the system message, before the passages.
pub fn header() -> String {
    format!("{INSTRUCTIONS}\n\nPassages:\n\n")
}

/// How many passages, in order, fit in `budget` tokens after a header of `header_tokens`, given each
/// rendered passage's cost; stops at the first that does not fit, so passages are never cut or reordered.
pub fn pack(header_tokens: usize, passage_tokens: &[usize], budget: usize) -> (usize, usize) {
    let mut used = header_tokens;
    let mut n = 0;
    for cost in passage_tokens {
        if used + cost + 1 > budget {
            break;
        }
        used += cost + 1;
        n += 1;
    }
    (n, used)
}

/// The token costs a prompt is fitted from: the header, the question, each history message (oldest
/// first, in user/assistant pairs) and each rendered passage (best first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptCosts<'a> {
    /// The system message's header (instructions).
    pub header: usize,
    /// The user's question.
    pub question: usize,
    /// Each earlier message given as history.
    pub history: &'a [usize],
    /// Each passage as rendered.
    pub passages: &'a [usize],
}

/// What fits a model's context: how many earlier messages give way (always whole turns, oldest first)
/// and how many passages, in order, are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Earlier messages left out, from the oldest.
    pub dropped_history: usize,
    /// Passages given, from the best.
    pub passages: usize,
}

/// Tokens kept free beside the answer's allowance (the chat template's own tokens).
pub const TEMPLATE_SLACK: usize = 64;

/// Fits a prompt into a model of `context_tokens`, leaving `max_answer` tokens for the answer and
/// giving the passages at most `passage_budget`: passages come first, so the earliest turns of the
/// conversation give way (two messages at a time) until at least one passage fits. `None` when not
/// even one passage fits with the whole history left out (the question itself is too long).
pub fn fit(costs: &PromptCosts<'_>, max_answer: usize, passage_budget: usize, context_tokens: usize) -> Option<Fit> {
    let mut dropped = 0;
    loop {
        let history: usize = costs.history[dropped..].iter().sum();
        let reserved = max_answer + costs.question + history + TEMPLATE_SLACK;
        let budget = passage_budget.min(context_tokens.saturating_sub(reserved));
        let (n, _) = pack(costs.header, costs.passages, budget);
        if n > 0 {
            return Some(Fit { dropped_history: dropped, passages: n });
        }
        if dropped >= costs.history.len() {
            return None;
        }
        dropped = (dropped + 2).min(costs.history.len());
    }
}

/// The system message holding the header and the given rendered passages.
pub fn assemble(blocks: &[String]) -> String {
    let mut text = header();
    for b in blocks {
        text.push_str(b);
        text.push('\n');
    }
    text
}

/// Builds the system message from passages in relevance order, adding whole passages while they fit in
/// `budget` tokens; a passage that does not fit is left out whole, never cut.
pub fn system_prompt(passages: &[Passage], budget: usize, counter: &dyn TokenCounter) -> SystemPrompt {
    let blocks: Vec<String> = passages.iter().enumerate().map(|(i, p)| render_passage(i + 1, p)).collect();
    let costs: Vec<usize> = blocks.iter().map(|b| counter.count(b)).collect();
    let (n, tokens) = pack(counter.count(&header()), &costs, budget);
    SystemPrompt { text: assemble(&blocks[..n]), passages: n, tokens }
}

/// Makes text from files, chats and questions unable to pose as a chat template's control tokens
/// (`<|eot_id|>`, `<|start_header_id|>`, `<|im_end|>`, ...): tokenizers match those strings anywhere in
/// the prompt, so a document holding one could end the system message and speak as the user. An
/// invisible word joiner after `<` keeps the text readable while no longer matching.
pub fn defuse_control_tokens(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("<|") {
        std::borrow::Cow::Owned(text.replace("<|", "<\u{2060}|"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// What Folio says instead of an answer when no passage is relevant enough (in English).
pub const NOT_FOUND: &str = "Your files do not seem to contain the answer to this question. \
The closest passages are listed below; they may still help.";

/// The same in French.
pub const NOT_FOUND_FR: &str = "Vos fichiers ne semblent pas contenir la réponse à cette question. \
Les passages les plus proches sont listés ci-dessous ; ils peuvent quand même aider.";

/// What Folio says instead of an answer, in the language of the question.
pub fn not_found(question: &str) -> &'static str {
    match crate::lang::detect_question(question) {
        crate::lang::Language::French => NOT_FOUND_FR,
        _ => NOT_FOUND,
    }
}
