//! Conversations and filters on the real stores with the fake embedder and a scripted model: follow-up
//! rewriting, history, stopping (also a model that repeats itself), declining, chat management, and
//! filters pushed into both stores.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use folio_engine::{
    AskEvent, AskOptions, AskOutcome, ChatId, Library, MessageState, Role, SearchFilter, SearchMode, SearchOptions,
};
use folio_models::{Generator, ScriptedGenerator};
use folio_store::{NewMessage, Store};

use crate::support::{index, Sandbox};

/// Every passage counts as relevant, whatever the fake embedder's similarities.
fn always_grounded(chat: Option<ChatId>) -> AskOptions {
    AskOptions { chat, min_similarity: -2.0, ..AskOptions::default() }
}

/// Runs a question to the end and returns the searched query and the outcome.
async fn ask(library: &Arc<Library>, question: &str, options: AskOptions) -> (String, AskOutcome) {
    let mut events = library.ask(question, options);
    let (mut query, mut outcome, mut streamed) = (None, None, String::new());
    while let Some(e) = events.recv().await {
        match e {
            AskEvent::Started { search_query, .. } => query = Some(search_query),
            AskEvent::Retrieved(_) => assert!(query.is_some(), "Started comes first"),
            AskEvent::Token(t) => streamed.push_str(&t),
            AskEvent::Finished(o) => outcome = Some(o),
            AskEvent::Failed(e) => panic!("{question}: {e}"),
        }
    }
    let outcome = outcome.expect("finished");
    assert_eq!(outcome.answer.text, streamed.trim());
    (query.expect("started"), outcome)
}

async fn corpus_with(replies: &[&str]) -> (Sandbox, Arc<ScriptedGenerator>, Arc<Library>) {
    let sandbox = Sandbox::with_corpus();
    let generator = Arc::new(ScriptedGenerator::new(replies));
    let library = sandbox.open_fake(Some(Arc::clone(&generator) as Arc<dyn Generator>)).await;
    index(&library, sandbox.docs()).await;
    (sandbox, generator, library)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_are_rewritten_and_answered_with_the_history() {
    let (_sandbox, generator, library) = corpus_with(&[
        "Comet Halvard returns every 212 years [1].",
        "Query: \"comet Halvard last perihelion\"",
        "It last passed in 1911 [2].",
    ])
    .await;
    let first = "How often does comet Halvard return?";
    let (query, one) = ask(&library, first, always_grounded(None)).await;
    assert_eq!(query, first, "a first question is searched as asked");
    assert!(one.grounded);
    assert_eq!(one.answer.citations.len(), 1);

    let (query, two) = ask(&library, "and when did it last pass?", always_grounded(Some(one.chat))).await;
    assert_eq!(two.chat, one.chat);
    assert_eq!(query, "comet Halvard last perihelion", "the model's rewrite, cleaned, is searched");

    let requests = generator.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[0].history.is_empty());
    assert!(requests[1].user.contains(&format!("User: {first}")), "the rewrite sees the conversation");
    assert!(requests[1].user.contains("Last question: and when did it last pass?"));
    assert_eq!(
        requests[2].history,
        vec![(Role::User, first.to_string()), (Role::Assistant, one.answer.text.clone())],
        "the answer sees the earlier turns"
    );

    let messages = library.chat_messages(one.chat).expect("messages");
    let roles: Vec<_> = messages.iter().map(|m| (m.role, m.state)).collect();
    assert_eq!(
        roles,
        [Role::User, Role::Assistant, Role::User, Role::Assistant].map(|r| (r, MessageState::Complete)).to_vec()
    );
    assert_eq!(messages[2].search_query.as_deref(), Some("comet Halvard last perihelion"));
    assert_eq!(messages[3].citations, two.answer.citations);
    assert_eq!(messages[3].model.as_deref(), Some("scripted"));

    let chats = library.chats().expect("chats");
    assert_eq!(chats.len(), 1);
    assert_eq!((chats[0].title.as_str(), chats[0].messages), (first, 4));
    library.rename_chat(one.chat, "Comets").expect("rename");
    assert_eq!(library.chats().expect("chats")[0].title, "Comets");
    assert!(library.rename_chat(ChatId(999), "x").is_err());
    library.delete_chat(one.chat).expect("delete");
    assert!(library.chats().expect("chats").is_empty());
    assert!(library.chat_messages(one.chat).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_rewrite_falls_back_to_the_previous_query() {
    let (_sandbox, _generator, library) =
        corpus_with(&["Saffron bread needs a pinch of saffron [1].", "", "Use 500 g of flour [1]."]).await;
    let (_, one) = ask(&library, "saffron bread recipe", always_grounded(None)).await;
    let (query, _) = ask(&library, "how much flour?", always_grounded(Some(one.chat))).await;
    assert_eq!(query, "saffron bread recipe how much flour?");
}

/// A library whose model answers 200 words, one every 20 ms.
async fn slow_answers() -> (Sandbox, Arc<Library>) {
    let sandbox = Sandbox::with_corpus();
    let words = "word ".repeat(200);
    let generator = Arc::new(ScriptedGenerator::new(&[&words]).with_delay(Duration::from_millis(20)));
    let library = sandbox.open_fake(Some(generator as Arc<dyn Generator>)).await;
    index(&library, sandbox.docs()).await;
    (sandbox, library)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_answer_is_kept_as_cancelled() {
    let (_sandbox, library) = slow_answers().await;
    let mut events = library.ask("parrot food", always_grounded(None));
    let mut chat = None;
    let mut tokens = 0;
    while let Some(e) = events.recv().await {
        match e {
            AskEvent::Started { chat: c, .. } => chat = Some(c),
            AskEvent::Token(_) => {
                tokens += 1;
                if tokens == 5 {
                    break;
                }
            }
            AskEvent::Finished(_) | AskEvent::Failed(_) => panic!("stopped before the end"),
            AskEvent::Retrieved(_) => {}
        }
    }
    drop(events); // the Stop button
    let chat = chat.expect("started");
    let mut last = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        last = library.chat_messages(chat).expect("messages").pop();
        if last.as_ref().is_some_and(|m| m.state != MessageState::Answering) {
            break;
        }
    }
    let last = last.expect("answer stored");
    assert_eq!(last.state, MessageState::Cancelled);
    assert!(last.text.starts_with("word word word"), "the partial answer is kept: {:?}", last.text);
    assert!(last.text.len() < "word ".repeat(200).trim().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_stopped_before_the_answer_starts_has_a_cancelled_answer() {
    let (_sandbox, generator, library) = corpus_with(&["Comet Halvard returns every 212 years [1]."]).await;
    let mut events = library.ask("How often does comet Halvard return?", always_grounded(None));
    let chat = match events.recv().await {
        Some(AskEvent::Started { chat, .. }) => chat,
        _ => panic!("Started comes first"),
    };
    drop(events); // Stop, while retrieval runs
    let mut messages = Vec::new();
    for _ in 0..100 {
        messages = library.chat_messages(chat).expect("messages");
        if messages.last().is_some_and(|m| m.state != MessageState::Answering) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let kept: Vec<_> = messages.iter().map(|m| (m.role, m.state, m.text.as_str())).collect();
    assert_eq!(
        kept,
        [
            (Role::User, MessageState::Complete, "How often does comet Halvard return?"),
            (Role::Assistant, MessageState::Cancelled, "")
        ]
    );
    assert!(generator.requests().is_empty(), "the model was never asked");

    // An exchange with no answer is not history: the next question is asked on its own.
    let (query, _) = ask(&library, "orbital period of comet Halvard", always_grounded(Some(chat))).await;
    assert_eq!(query, "orbital period of comet Halvard");
    assert!(generator.requests()[0].history.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_that_leaves_no_room_for_passages_fails_and_says_why() {
    let (_sandbox, generator, library) = corpus_with(&["Unused."]).await;
    // The scripted model counts words as tokens in a context of 8,192.
    let question = format!("comet Halvard {}", "again ".repeat(9000));
    let mut events = library.ask(&question, always_grounded(None));
    let (mut chat, mut failure) = (None, None);
    while let Some(e) = events.recv().await {
        match e {
            AskEvent::Started { chat: c, .. } => chat = Some(c),
            AskEvent::Failed(why) => failure = Some(why),
            AskEvent::Finished(_) => panic!("answered without passages"),
            AskEvent::Retrieved(_) | AskEvent::Token(_) => {}
        }
    }
    let failure = failure.expect("failed");
    assert!(failure.message.contains("no room for a passage"), "{failure}");
    assert_eq!(failure.code, "invalid_input");
    assert!(generator.requests().is_empty(), "the model is not asked without passages");
    let messages = library.chat_messages(chat.expect("started")).expect("messages");
    assert_eq!((messages[1].role, messages[1].state), (Role::Assistant, MessageState::Failed));
    assert!(messages[1].text.contains("no room for a passage"), "the error is kept in the chat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_conversation_gives_way_to_the_passages() {
    let long_answer = format!("{} [1].", "comet ".repeat(8000).trim_end());
    let (_sandbox, generator, library) =
        corpus_with(&[&long_answer, "comet Halvard discoverer", "Ilse Brandvik recorded it in 1611 [1]."]).await;
    let (_, one) = ask(&library, "comet Halvard", always_grounded(None)).await;
    let (_, two) = ask(&library, "who recorded it first?", always_grounded(Some(one.chat))).await;
    assert!(two.grounded && !two.passages.is_empty());
    let requests = generator.requests();
    assert!(requests[2].history.is_empty(), "the earlier exchange, too long to fit beside a passage, was left out");
    assert!(requests[2].system.contains("[1]"), "passages were given");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_interrupted_by_a_crash_is_kept_as_cancelled() {
    let sandbox = Sandbox::with_corpus();
    {
        let store = Store::open(&sandbox.library_dir(), 64).await.expect("store");
        let chats = store.chats();
        let chat = chats.create_chat("crash").expect("chat");
        let m = NewMessage {
            role: Role::Assistant,
            text: "half an ans",
            state: MessageState::Answering,
            search_query: None,
            model: Some("scripted"),
        };
        chats.add_message(chat, m).expect("write");
    } // killed here, mid-answer
    let library = sandbox.open_fake(None).await;
    let chat = library.chats().expect("chats")[0].id;
    let messages = library.chat_messages(chat).expect("messages");
    assert_eq!((messages[0].state, messages[0].text.as_str()), (MessageState::Cancelled, "half an ans"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_the_files_cannot_answer_are_declined_with_the_closest_passages() {
    let (_sandbox, generator, library) = corpus_with(&["An invented answer [1]."]).await;
    let options = AskOptions { min_similarity: 1.5, ..AskOptions::default() };
    let (_, outcome) = ask(&library, "What is the capital of Mongolia?", options).await;
    assert!(!outcome.grounded);
    assert_eq!(outcome.answer.text, folio_core::prompt::NOT_FOUND);
    assert!(outcome.answer.citations.is_empty());
    assert!(!outcome.passages.is_empty() && outcome.passages.len() <= 3, "the closest passages are shown");
    assert!(outcome.best_similarity.is_some());
    assert!(generator.requests().is_empty(), "the model is not asked");
    let messages = library.chat_messages(outcome.chat).expect("messages");
    assert_eq!(messages[1].state, MessageState::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_naming_what_no_passage_mentions_is_declined_in_its_language() {
    let (_sandbox, generator, library) = corpus_with(&["Comet Halvard returns every 212 years [1]."]).await;
    // However close the passages seem, the files never name the Eiffel Tower; also as a follow-up,
    // whose search query carries the names of the question before it.
    let (_, first) = ask(&library, "How often does comet Halvard return?", always_grounded(None)).await;
    assert!(first.grounded, "a question whose names the files hold is answered");
    for (question, said) in [
        ("What is the height of the Eiffel Tower?", folio_core::prompt::NOT_FOUND),
        ("Quelle est la hauteur de la tour Eiffel ?", folio_core::prompt::NOT_FOUND_FR),
    ] {
        let (_, outcome) = ask(&library, question, always_grounded(Some(first.chat))).await;
        assert!(!outcome.grounded, "{question}");
        assert_eq!(outcome.answer.text, said);
    }
    // The model wrote the first answer, then only the follow-ups' search queries.
    assert_eq!(generator.requests().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_are_pushed_down_into_both_stores() {
    let sandbox = Sandbox::with_corpus();
    // One old file, one in an extra folder.
    let old = sandbox.docs().join("history/treaty-of-ostrava-falls.txt");
    let y2001 = SystemTime::UNIX_EPOCH + Duration::from_secs(991_353_600); // 2001-06-01
    std::fs::File::options().write(true).open(&old).expect("open").set_modified(y2001).expect("mtime");
    let library = sandbox.open_fake(None).await;
    index(&library, sandbox.docs()).await;
    let docs = sandbox.docs().canonicalize().expect("canonical").to_string_lossy().into_owned();

    let check = |filter: SearchFilter, ok: fn(&str) -> bool, expect_some: bool| {
        let library = Arc::clone(&library);
        async move {
            for mode in [SearchMode::Bm25, SearchMode::Dense, SearchMode::Hybrid] {
                let options = SearchOptions { mode, limit: 50, filter: filter.clone(), ..SearchOptions::default() };
                // "the" matches nearly every chunk, so BM25 is not what narrows the list.
                let hits = library.search("the notes of the treaty and the comet", &options).await.expect("search");
                assert_eq!(!hits.is_empty(), expect_some, "{mode:?} {filter:?}");
                for h in &hits {
                    assert!(ok(&h.passage.path), "{mode:?} {filter:?}: {}", h.passage.path);
                }
            }
        }
    };
    let folder = |f: &str| SearchFilter { folders: vec![format!("{docs}/{f}")], ..SearchFilter::default() };
    check(folder("astronomy"), |p| p.contains("/astronomy/"), true).await;
    check(folder("astro"), |_| false, false).await; // a name prefix is not a folder
    let markdown = SearchFilter { formats: vec!["markdown".into()], ..SearchFilter::default() };
    check(markdown, |p| p.ends_with(".md"), true).await;
    let before = SearchFilter { modified_before: folio_engine::parse_date("2002-01-01"), ..SearchFilter::default() };
    check(before, |p| p.ends_with("treaty-of-ostrava-falls.txt"), true).await;
    let after = SearchFilter { modified_after: folio_engine::parse_date("2002-01-01"), ..SearchFilter::default() };
    check(after, |p| !p.ends_with("treaty-of-ostrava-falls.txt"), true).await;
    let none = SearchFilter { formats: vec!["pdf".into()], ..SearchFilter::default() };
    check(none, |_| false, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_repeats_itself_is_stopped_after_the_first_time() {
    let looping = "Comet Halvard returns every 212 years [1]. It is one of the most distant comets known. \
                   It is one of the most distant comets known. It is one of the most distant comets known.";
    let (_sandbox, generator, library) = corpus_with(&[looping]).await;
    let mut events = library.ask("How often does comet Halvard return?", always_grounded(None));
    let mut outcome = None;
    while let Some(e) = events.recv().await {
        if let AskEvent::Finished(o) = e {
            outcome = Some(o);
        }
    }
    let outcome = outcome.expect("finished");
    let kept = "Comet Halvard returns every 212 years [1]. It is one of the most distant comets known.";
    assert_eq!(outcome.answer.text, kept);
    assert_eq!(outcome.answer.citations.len(), 1);
    assert!(outcome.timings.completion_tokens > 0, "tokens are counted when Folio stops the model");
    let request = &generator.requests()[0];
    let words = |t: &str| t.split_whitespace().count();
    assert_eq!(
        outcome.timings.prompt_tokens,
        words(&request.system) + words(&request.user),
        "the prompt is counted too, though the runtime reported nothing"
    );
    let stored = library.chat_messages(outcome.chat).expect("messages");
    assert_eq!((stored[1].text.as_str(), stored[1].state), (kept, MessageState::Complete));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_is_saved_as_it_streams() {
    let (_sandbox, library) = slow_answers().await;
    let mut events = library.ask("parrot food", always_grounded(None));
    let mut chat = None;
    let started = std::time::Instant::now();
    while let Some(e) = events.recv().await {
        match e {
            AskEvent::Started { chat: c, .. } => chat = Some(c),
            AskEvent::Token(_) if started.elapsed() > Duration::from_millis(1800) => break,
            AskEvent::Finished(_) | AskEvent::Failed(_) => panic!("the answer ended too soon"),
            _ => {}
        }
    }
    // Mid-answer (a crash now would keep this), the catalog already holds part of the text.
    let messages = library.chat_messages(chat.expect("started")).expect("messages");
    let answer = messages.last().expect("the answer's message");
    assert_eq!(answer.state, MessageState::Answering);
    assert!(answer.text.starts_with("word word"), "saved so far: {:?}", answer.text);
    assert_eq!(messages.len(), 2, "the question and its answer, written together");
    drop(events);
}
