//! The desktop app end to end in a real window: `tauri-driver` and WebKitWebDriver drive the built app
//! under Xvfb, on an empty library and the real models. Screenshots of each step are saved to
//! `artifacts/e2e/`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which W3C WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The W3C WebDriver key code of Escape.
const ESCAPE: &str = "\u{E00C}";

/// A document whose text tries every way into the page; each payload would set `window.__folioXss`.
const XSS_DOC: &str = "Quarvel Industries widget forecast\n\n\
The Quarvel widget forecast for next year is 4200 units. <script>window.__folioXss = 'script'</script>\n\
<img src=x onerror=\"window.__folioXss = 'img'\"> See the Quarvel details at [details](javascript:window.__folioXss='link').\n";

#[test]
fn desktop_app_indexes_answers_and_previews_in_a_real_window() {
    let app = built_app();
    let driver_bin = tool("tauri-driver", &[dirs_home().join(".cargo/bin/tauri-driver")]);
    let native = tool("WebKitWebDriver", &[PathBuf::from("/usr/bin/WebKitWebDriver")]);
    let sandbox = tempfile::tempdir().expect("temp dir");
    let docs = sandbox.path().join("docs");
    folio_tests::write_corpus(&docs).expect("corpus");
    std::fs::write(docs.join("quarvel-forecast.txt"), XSS_DOC).expect("xss fixture");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/e2e");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("artifacts dir");

    // The bundled model, even on a machine that has downloaded Llama; the library where the settings say.
    let settings = sandbox.path().join("settings.json");
    let bundled = crate::support::models().bundled_chat_model();
    let library = sandbox.path().join("library");
    std::fs::write(&settings, json!({ "chat_model": bundled, "library_dir": library }).to_string()).expect("settings");
    // A folder the settings name must hold a library (a missing one is an error, not a new empty library):
    // make an empty one there first, as the CLI does for a folder given with --library.
    let made = Command::new(crate::cli::folio_bin())
        .arg("--library")
        .arg(&library)
        .arg("--models")
        .arg(&crate::support::models().root)
        .arg("status")
        .output()
        .expect("folio status");
    assert!(made.status.success(), "{made:?}");

    let port = free_port();
    let _driver = Process(
        Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1280x900x24"])
            .arg(&driver_bin)
            .args(["--port", &port.to_string(), "--native-port", &free_port().to_string()])
            .arg("--native-driver")
            .arg(&native)
            .env_remove("FOLIO_LIBRARY")
            .env("FOLIO_CONFIG", &settings)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("xvfb-run (Debian package xvfb) must be installed; scripts/setup.sh does it"),
    );
    // The app is started with the fixture folder and the library's later place on its command line:
    // paths the user named when starting Folio are granted (folio_app::grants), as a folder picker or a
    // drop would grant them; the system's dialogs cannot be driven here.
    let moved_to = sandbox.path().join("elsewhere/folio");
    let wd = WebDriver::connect(port, &app, &[docs.as_path(), moved_to.as_path()]);

    // 1. An empty library.
    wd.wait("the window", Duration::from_secs(60), |wd| wd.find(r#"[data-testid="add-path-input"]"#));
    assert!(wd.find_all(r#"[data-testid="folder"]"#).is_empty(), "the library starts empty");
    wd.screenshot(&shots.join("1-empty-library.png"));

    // 2. Add the fixture folder through the code path a drop uses, and wait for indexing to finish.
    let input = wd.find(r#"[data-testid="add-path-input"]"#).expect("path input");
    wd.type_text(&input, &docs.display().to_string());
    wd.click(&wd.find(r#"[data-testid="add-path-submit"]"#).expect("add button"));
    wd.wait("indexing to finish", Duration::from_secs(300), |wd| {
        let status = wd.find(r#"[data-testid="index-status"]"#)?;
        (wd.attr(&status, "data-state").as_deref() == Some("done")).then_some(())
    });
    let folder = wd.wait("the folder row", Duration::from_secs(30), |wd| wd.find(r#"[data-testid="folder"]"#));
    assert_eq!(wd.attr(&folder, "data-path").as_deref(), Some(docs.to_str().unwrap()));
    wd.screenshot(&shots.join("2-indexed.png"));

    // 3. Ask; the answer streams, then carries a citation.
    let answer = ask(&wd, "Who was the engineer of the Korvath Point lighthouse?");
    assert!(answer.to_lowercase().contains("tallis"), "the answer names the engineer: {answer}");
    let model = wd.text(&wd.find(r#"[data-testid="model-name"]"#).expect("model name"));
    assert!(model.contains("SmolLM2"), "the answering model is shown: {model}");
    let chips = wd.find_all(r#"[data-testid="answer"] [data-testid="citation"]"#);
    assert!(!chips.is_empty(), "the answer carries a citation chip: {answer}");
    wd.screenshot(&shots.join("3-answer.png"));

    // 4. The citation opens the passage in context, highlighted, and it is the file's own text.
    wd.click(&chips[0]);
    let marked = wd.wait("the highlighted passage", Duration::from_secs(30), |wd| {
        wd.find(r#"[data-testid="preview"] mark"#)?;
        let text = wd.script(r#"return document.querySelector('[data-testid="preview"] mark').textContent"#);
        text.as_str().map(str::to_string).filter(|t| !t.trim().is_empty())
    });
    let source = std::fs::read_to_string(docs.join("lighthouses/korvath-point.md")).expect("fixture");
    assert!(source.contains(marked.trim()), "the highlight quotes the cited file: {marked:?}");
    assert!(wd.find(r#"[data-testid="open-file"]"#).is_some(), "the preview offers to open the file");
    wd.screenshot(&shots.join("4-preview.png"));
    wd.type_text(&wd.find(r#"[data-testid="preview"]"#).expect("preview"), ESCAPE);
    wd.wait("the preview to close", Duration::from_secs(10), |wd| {
        wd.find(r#"[data-testid="preview"]"#).is_none().then_some(())
    });

    // 5. A document full of script renders inert, in the sources, the preview and the answer.
    ask(&wd, "What is the Quarvel widget forecast for next year?");
    let quarvel = wd.wait("the Quarvel source", Duration::from_secs(10), |wd| {
        wd.find_all(r#"[data-testid="source"]"#).into_iter().find(|s| wd.text(s).contains("Quarvel"))
    });
    wd.click(&quarvel);
    let shown = wd.wait("the Quarvel preview", Duration::from_secs(30), |wd| {
        let p = wd.find(r#"[data-testid="preview"] mark"#)?;
        Some(wd.text(&p))
    });
    assert!(shown.contains("onerror"), "the markup is shown as text: {shown}");
    let live = wd.script(
        r#"return [window.__folioXss === undefined,
                   document.querySelectorAll('script:not([src]), [onerror], a[href^="javascript:"]').length]"#,
    );
    assert_eq!(live, json!([true, 0]), "no payload ran and no live markup was made");
    wd.screenshot(&shots.join("5-xss-inert.png"));
    wd.type_text(&wd.find(r#"[data-testid="preview"]"#).expect("preview"), ESCAPE);

    // 6. Stop keeps what was written as a stopped answer.
    let q = wd.find(r#"[data-testid="question"]"#).expect("question box");
    wd.type_text(&q, "Describe the saffron bread recipe in detail.");
    wd.click(&wd.find(r#"[data-testid="ask-submit"]"#).expect("ask button"));
    wd.wait("streaming", Duration::from_secs(300), |wd| (answer_state(wd) == "streaming").then_some(()));
    wd.click(&wd.find(r#"[data-testid="stop"]"#).expect("stop button"));
    wd.wait("the answer to stop", Duration::from_secs(30), |wd| (answer_state(wd) == "cancelled").then_some(()));
    wd.screenshot(&shots.join("6-stopped.png"));

    // 7. The library moves to another folder (the Settings button's command; the system's folder picker
    //    cannot be driven here), keeps its index and chats, and is remembered.
    assert!(library.join("catalog.sqlite3").is_file(), "the library starts where the settings say");
    wd.script(&format!(
        "window.__folioMoved = null; window.__TAURI_INTERNALS__.invoke('set_library_dir', {{path: {}}})\
         .then(r => window.__folioMoved = {{ok: r}}, e => window.__folioMoved = {{err: e}}); return true",
        json!(moved_to)
    ));
    let reply = wd.wait("the library to move", Duration::from_secs(60), |wd| {
        Some(wd.script("return window.__folioMoved")).filter(|v| !v.is_null())
    });
    assert_eq!(reply["ok"]["libraryDir"], json!(moved_to), "the move succeeded: {reply}");
    assert!(!library.exists() && moved_to.join("catalog.sqlite3").is_file(), "the files moved");
    let saved: Value = serde_json::from_slice(&std::fs::read(&settings).expect("settings")).expect("json");
    assert_eq!(saved["library_dir"], json!(moved_to), "the new place is remembered");
    wd.script("location.reload(); return true");
    // The reloaded page no longer has the old page's variable; only then is the folder row the new one.
    wd.wait("the reload", Duration::from_secs(60), |wd| {
        // While the page reloads the call may fail: that is "not yet".
        let args = json!({"script": "return window.__folioMoved === undefined", "args": []});
        wd.call(reqwest::Method::POST, "/execute/sync", Some(args)).ok()?.as_bool().filter(|b| *b)
    });
    wd.wait("the folder after the move", Duration::from_secs(60), |wd| {
        let folder = wd.find(r#"[data-testid="folder"]"#)?;
        (wd.attr(&folder, "data-path").as_deref() == Some(docs.to_str().unwrap())).then_some(())
    });
    let answer = ask(&wd, "Who was the engineer of the Korvath Point lighthouse?");
    assert!(answer.to_lowercase().contains("tallis"), "the moved library still answers: {answer}");
    wd.click(&wd.find(r#"[data-testid="settings-open"]"#).expect("settings button"));
    let shown = wd.wait("the settings", Duration::from_secs(10), |wd| wd.find(r#"[data-testid="library-dir"]"#));
    assert_eq!(wd.text(&shown), moved_to.display().to_string());
    wd.script(r#"document.querySelector('[data-testid="move-library"]').scrollIntoView(); return true"#);
    wd.screenshot(&shots.join("7-library-moved.png"));

    // 8. The page names documents and folders by id and models by name; paths it makes up are refused
    //    (a path it was not given by the user would need the user's confirmation in a native dialog).
    let refused = wd.script(
        r#"const call = (c, a) => window.__TAURI_INTERNALS__.invoke(c, a).then(() => 'done', e => e.code || String(e));
           window.__folioRefused = null;
           Promise.all([call('open_file', {documentId: 987654, page: null}),
                        call('open_file', {path: '/etc/passwd', page: null}),
                        call('set_chat_model', {choice: '/etc/passwd'}),
                        call('remove_folder', {id: 987654})]).then(r => window.__folioRefused = r);
           return true"#,
    );
    assert_eq!(refused, json!(true));
    let refused = wd.wait("the refusals", Duration::from_secs(30), |wd| {
        Some(wd.script("return window.__folioRefused")).filter(|v| !v.is_null())
    });
    let refused: Vec<String> = serde_json::from_value(refused).expect("codes");
    assert!(refused.iter().all(|r| r != "done"), "every made-up request is refused: {refused:?}");

    // 8b. The window in French, chosen in the settings (the system's locale is followed by default:
    //     Vitest covers that choice), and a question asked in French.
    wd.script(r#"document.querySelector('[data-testid="language-select"]').scrollIntoView(); return true"#);
    wd.click(&wd.find(r#"[data-testid="language-select"] option[value="fr"]"#).expect("the French option"));
    wd.wait("the window in French", Duration::from_secs(10), |wd| {
        (wd.script("return document.documentElement.lang") == json!("fr")).then_some(())
    });
    let saved: Value = serde_json::from_slice(&std::fs::read(&settings).expect("settings")).expect("json");
    assert_eq!(saved["ui_language"], json!("fr"), "the choice is remembered");
    // The search model's section: the bundled model in use, the multilingual one offered for download
    // (the download and the switch are tested against a local hub in `embedder`).
    let section = wd.wait("the search model's section", Duration::from_secs(10), |wd| {
        wd.find(r#"[data-testid="embedder-settings"]"#)
    });
    wd.script(r#"document.querySelector('[data-testid="embedder-settings"]').scrollIntoView(); return true"#);
    let shown = wd.text(&section);
    assert!(shown.contains("Modèle de recherche") && shown.contains("multilingual-e5-small"), "{shown}");
    assert!(shown.contains("Télécharger"), "{shown}");
    wd.screenshot(&shots.join("8-french-settings.png"));
    wd.type_text(&wd.find(r#"[data-testid="language-select"]"#).expect("select"), ESCAPE);
    wd.wait("the settings to close", Duration::from_secs(10), |wd| {
        wd.find(r#"[data-testid="library-dir"]"#).is_none().then_some(())
    });
    let button = wd.text(&wd.find(r#"[data-testid="ask-submit"]"#).expect("ask button"));
    assert_eq!(button, "Poser la question");
    // Why files were not indexed, said in French too (the back end sends each reason as data).
    let reasons = wd.script(
        r#"const d = document.querySelector('[data-testid="folder"] details'); d.open = true; d.scrollIntoView();
           const reason = (name) => [...document.querySelectorAll('[data-testid="file"]')]
             .find((f) => f.title.endsWith(name))?.querySelector('.reason')?.textContent;
           const empty = [...document.querySelectorAll('[data-testid="file"]')].find((f) => f.title.endsWith('empty.txt'));
           empty?.scrollIntoView({ block: 'center' });
           return [reason('empty.txt'), reason('archive.7z')]"#,
    );
    assert_eq!(reasons, json!([" — le fichier est vide", " — type de fichier non pris en charge"]));
    wd.screenshot(&shots.join("8-french-reasons.png"));
    wd.script(r#"document.querySelector('[data-testid="folder"] details').open = false; return true"#);
    // The files never name the Eiffel Tower: Folio declines, in the question's language (one message,
    // not streamed).
    let before = answer_now(&wd).map(|(_, text)| text).unwrap_or_default();
    submit(&wd, "Quelle est la hauteur de la tour Eiffel ?");
    let answer = wd.wait("the decline", Duration::from_secs(120), |wd| {
        let (state, text) = answer_now(wd)?;
        (state == "done" && text != before).then_some(text)
    });
    assert!(answer.trim().starts_with(folio_core::prompt::NOT_FOUND_FR), "declined, in French: {answer}");
    wd.screenshot(&shots.join("8-french.png"));

    // 9. A link planted in an answer (as a document could make a model write one) does not take the
    //    window away: the page stays Folio's, and the link waits for the user's confirmation (a native
    //    dialog, left unanswered here). Last, because that dialog stays open.
    let before = wd.script("return location.href");
    wd.script(
        r#"const a = document.createElement('a'); a.href = 'https://example.org/?q=SECRET';
           a.textContent = 'planted'; a.dataset.testid = 'planted-link';
           Object.assign(a.style, {position: 'fixed', top: '4px', left: '4px', zIndex: '2147483647'});
           document.body.appendChild(a); return true"#,
    );
    wd.click(&wd.find(r#"[data-testid="planted-link"]"#).expect("planted link"));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(wd.script("return location.href"), before, "the window stayed on Folio's page");
    assert!(wd.find(r#"[data-testid="question"]"#).is_some(), "Folio's page is still there");
    let blocked =
        wd.script("window.__folioOpened = window.open('https://example.org/'); return window.__folioOpened === null");
    assert_eq!(blocked, json!(true), "no new window is made");
    wd.screenshot(&shots.join("9-link-stayed.png"));
}

/// Asks `question` and waits for the answer, checking that it streamed; returns its text.
/// Types `question` and submits it, once the box takes it (not while an answer is still being
/// written): the box empties when the question is taken.
fn submit(wd: &WebDriver, question: &str) {
    let q = wd.find(r#"[data-testid="question"]"#).expect("question box");
    wd.type_text(&q, question);
    wd.wait("the ask button", Duration::from_secs(60), |wd| {
        let enabled = wd.script(r#"return !document.querySelector('[data-testid="ask-submit"]').disabled"#);
        (enabled == json!(true)).then_some(())
    });
    wd.click(&wd.find(r#"[data-testid="ask-submit"]"#).expect("ask button"));
    wd.wait("the question to be taken", Duration::from_secs(30), |wd| {
        let value = wd.script(r#"return document.querySelector('[data-testid="question"]').value"#);
        (value == json!("")).then_some(())
    });
}

/// The answer's state and text, read at one moment.
fn answer_now(wd: &WebDriver) -> Option<(String, String)> {
    let v = wd.script(
        r#"const a = document.querySelector('[data-testid="answer"]');
           return a ? [a.dataset.state || '', a.innerText] : null"#,
    );
    serde_json::from_value(v).ok()
}

fn ask(wd: &WebDriver, question: &str) -> String {
    submit(wd, question);
    let mut partial = Vec::new();
    let text = wd.wait("the answer", Duration::from_secs(300), |wd| {
        let el = wd.find(r#"[data-testid="answer"]"#)?;
        let state = wd.attr(&el, "data-state").unwrap_or_default();
        let text = wd.text(&el);
        match state.as_str() {
            "streaming" if !text.trim().is_empty() => {
                partial.push(text);
                None
            }
            "done" => Some(text),
            "failed" | "cancelled" => panic!("the answer ended {state}: {text}"),
            _ => None,
        }
    });
    assert!(!partial.is_empty(), "the answer was shown while it was written");
    text
}

fn answer_state(wd: &WebDriver) -> String {
    wd.find(r#"[data-testid="answer"]"#).and_then(|a| wd.attr(&a, "data-state")).unwrap_or_default()
}

fn built_app() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let app = exe.parent().and_then(|d| d.parent()).expect("target dir").join("folio-app");
    assert!(app.is_file(), "{} is missing: build it with `cargo build --workspace --bins` first", app.display());
    app
}

fn dirs_home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

/// `name` on PATH or at one of `known` places; set-up installs both drivers.
fn tool(name: &str, known: &[PathBuf]) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().chain(known.iter().cloned()).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("{name} is missing: run `bash scripts/setup.sh` (it installs tauri-driver and webkit2gtk-driver)")
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A process group killed when dropped (xvfb-run, tauri-driver, WebKitWebDriver and the app).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
    }
}

/// The few W3C WebDriver commands the test needs, over HTTP.
struct WebDriver {
    http: reqwest::blocking::Client,
    base: String,
}

impl WebDriver {
    /// Waits for the driver on `port` and opens a session that starts `app`.
    fn connect(port: u16, app: &Path, args: &[&Path]) -> WebDriver {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().expect("client");
        let root = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while http.get(format!("{root}/status")).send().is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "tauri-driver did not start on port {port}");
            std::thread::sleep(Duration::from_millis(200));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app, "args": args}}}});
        let reply: Value =
            http.post(format!("{root}/session")).json(&caps).send().expect("new session").json().unwrap();
        let id = reply["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {reply}"));
        WebDriver { base: format!("{root}/session/{id}"), http }
    }

    /// Sends a command; `Err` carries the WebDriver error name (e.g. `no such element`).
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let reply: Value = req.send().map_err(|e| e.to_string())?.json().map_err(|e| e.to_string())?;
        match reply["value"].get("error").and_then(Value::as_str) {
            Some(err) => Err(format!("{err}: {}", reply["value"]["message"])),
            None => Ok(reply["value"].clone()),
        }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn find(&self, css: &str) -> Option<String> {
        self.find_all(css).into_iter().next()
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.post("/elements", json!({"using": "css selector", "value": css}));
        found
            .as_array()
            .map(|els| els.iter().filter_map(|e| e[ELEMENT].as_str().map(String::from)).collect())
            .unwrap_or_default()
    }

    fn click(&self, el: &str) {
        self.post(&format!("/element/{el}/click"), json!({}));
    }

    fn type_text(&self, el: &str, text: &str) {
        self.post(&format!("/element/{el}/value"), json!({"text": text}));
    }

    /// The element's text content; empty if it went away meanwhile.
    fn text(&self, el: &str) -> String {
        let args = json!({"script": "return arguments[0].textContent", "args": [{ELEMENT: el}]});
        let v = self.call(reqwest::Method::POST, "/execute/sync", Some(args));
        v.ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }

    fn attr(&self, el: &str, name: &str) -> Option<String> {
        let v = self.call(reqwest::Method::GET, &format!("/element/{el}/attribute/{name}"), None).ok()?;
        v.as_str().map(String::from)
    }

    fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
    }

    fn screenshot(&self, path: &Path) {
        use base64::Engine as _;
        let png = self.get("/screenshot");
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().expect("base64")).expect("png");
        std::fs::write(path, bytes).expect("write screenshot");
    }

    /// Polls `check` until it gives a value; panics after `timeout` naming `what`.
    fn wait<T>(&self, what: &str, timeout: Duration, mut check: impl FnMut(&WebDriver) -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(v) = check(self) {
                return v;
            }
            if started.elapsed() > timeout {
                let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/e2e/timeout.png");
                self.screenshot(&shot);
                panic!("timed out after {timeout:?} waiting for {what}; the window is in {}", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        let _ = self.call(reqwest::Method::DELETE, "", None);
    }
}
