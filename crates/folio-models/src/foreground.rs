//! Answers first: while an answer is being written ([`answering`] held), bulk embedding (indexing, an
//! embedder switch) waits between its small batches, so that the chat model has the machine's cores to
//! itself. On two cores, ONNX Runtime's threads beside candle's made the first token come later (see
//! `folio-dev bench ask --while-indexing`). A question's own embedding never waits, and a wait is cut
//! at [`MAX_WAIT`] so that answers asked back to back cannot stop indexing for good.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Answers being written in this process.
static ANSWERING: AtomicUsize = AtomicUsize::new(0);

/// The longest one batch of bulk embedding waits for answers.
pub const MAX_WAIT: Duration = Duration::from_secs(120);

/// Held while an answer is written; dropping it lets bulk embedding go on.
#[must_use = "the answer counts as being written only while this is held"]
pub struct Answering(());

impl Drop for Answering {
    fn drop(&mut self) {
        ANSWERING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks an answer as being written until the returned guard is dropped.
pub fn answering() -> Answering {
    ANSWERING.fetch_add(1, Ordering::SeqCst);
    Answering(())
}

/// Whether an answer is being written now.
pub fn is_answering() -> bool {
    ANSWERING.load(Ordering::SeqCst) > 0
}

/// Blocks (a blocking thread's caller only) while an answer is being written, at most [`MAX_WAIT`];
/// `FOLIO_NO_ANSWERS_FIRST=1` turns the wait off (to measure what it saves).
pub(crate) fn wait_for_answers() {
    if !is_answering() || std::env::var_os("FOLIO_NO_ANSWERS_FIRST").is_some_and(|v| v == "1") {
        return;
    }
    let started = Instant::now();
    while is_answering() && started.elapsed() < MAX_WAIT {
        std::thread::sleep(Duration::from_millis(20));
    }
}
