//! `folio mcp`: the library as a Model Context Protocol server over stdio, so that any local AI tool
//! that speaks MCP (Claude Desktop, LM Studio, Jan, editors with agents) can search and cite the user's
//! files through Folio's index and scope rules, with nothing leaving the machine.
//!
//! JSON-RPC 2.0, one message a line on stdin and stdout (logs go to stderr); the protocol revisions of
//! the initialize handshake, 2024-11-05 to 2025-11-25, the shapes from `rust_mcp_schema`. Tools:
//! `search`, `ask` (progress notifications carry the answer as it is written), `get_passage`,
//! `list_folders`, `status`, and with `--allow-writes` `add_folder` and `reindex`. Each indexed
//! document is a resource, `folio://document/<id>`: its text with each passage's place. Requests run
//! concurrently (a search is not held up by an answer being written). A tool that fails answers with
//! `isError` and Folio's stable error code; a request that is not well formed gets a JSON-RPC error.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use folio_engine::{
    parse_date, AskEvent, AskOptions, ChatId, ChunkId, DocumentId, EngineError, FileNote, IndexEvent, IndexOptions,
    Library, Problem, SearchFilter, SearchMode, SearchOptions, Status,
};
use rust_mcp_schema::{
    CallToolResult, ContentBlock, Implementation, InitializeResult, ListResourcesResult, ListToolsResult,
    ReadResourceContent, ReadResourceResult, Resource, ServerCapabilities, ServerCapabilitiesResources,
    ServerCapabilitiesTools, TextContent, TextResourceContents, Tool,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// Protocol revisions the handshake accepts; the client's is answered when known, else the newest.
const VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/// JSON-RPC error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// The server's state: the library and whether writing tools are on.
struct Server {
    library: Arc<Library>,
    allow_writes: bool,
    out: mpsc::UnboundedSender<Value>,
}

/// Serves MCP on stdin and stdout until the client closes stdin.
pub async fn serve(library: Arc<Library>, allow_writes: bool) -> Result<()> {
    let (out, mut outgoing) = mpsc::unbounded_channel::<Value>();
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(message) = outgoing.recv().await {
            let mut line = message.to_string();
            line.push('\n');
            if stdout.write_all(line.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    let server = Arc::new(Server { library, allow_writes, out });
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut running = Vec::new();
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(m) => m,
            Err(e) => {
                server.send(error_response(Value::Null, PARSE_ERROR, &format!("not JSON: {e}"), None));
                continue;
            }
        };
        let server = Arc::clone(&server);
        running.push(tokio::spawn(async move { server.handle(message).await }));
        running.retain(|t: &tokio::task::JoinHandle<()>| !t.is_finished());
    }
    for task in running {
        let _ = task.await;
    }
    drop(server);
    let _ = writer.await;
    Ok(())
}

fn error_response(id: Value, code: i64, message: &str, folio_code: Option<&str>) -> Value {
    let mut error = json!({ "code": code, "message": message });
    if let Some(c) = folio_code {
        error["data"] = json!({ "folio_code": c });
    }
    json!({ "jsonrpc": "2.0", "id": id, "error": error })
}

/// A tool's failure: shown to the model as an error result with Folio's code.
struct ToolError {
    code: &'static str,
    message: String,
}

impl From<EngineError> for ToolError {
    fn from(e: EngineError) -> Self {
        ToolError { code: e.code(), message: e.to_string() }
    }
}

fn invalid(message: impl Into<String>) -> ToolError {
    ToolError { code: "invalid_input", message: message.into() }
}

impl Server {
    fn send(&self, message: Value) {
        let _ = self.out.send(message);
    }

    async fn handle(&self, message: Value) {
        let id = message.get("id").cloned();
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            if let Some(id) = id {
                self.send(error_response(id, INVALID_REQUEST, "a request needs a method", None));
            }
            return;
        };
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        // Notifications (no id) need no answer: `notifications/initialized`, cancellations.
        let Some(id) = id else { return };
        let result = match method {
            "initialize" => Ok(self.initialize(&params)),
            "ping" => Ok(json!({})),
            "tools/list" => Ok(self.tools()),
            "tools/call" => return self.call_tool(id, &params).await,
            "resources/list" => self.resources(),
            "resources/templates/list" => Ok(json!({ "resourceTemplates": [{
                "uriTemplate": "folio://document/{id}",
                "name": "document",
                "description": "An indexed document of the library: its text, each passage with its place.",
                "mimeType": "text/plain"
            }]})),
            "resources/read" => self.read_resource(&params),
            other => Err((METHOD_NOT_FOUND, format!("Folio does not serve {other}"), None)),
        };
        self.send(match result {
            Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
            Err((code, message, folio)) => error_response(id, code, &message, folio),
        });
    }

    fn initialize(&self, params: &Value) -> Value {
        let asked = params.get("protocolVersion").and_then(Value::as_str).unwrap_or("");
        let version = VERSIONS.iter().find(|v| **v == asked).copied().unwrap_or(VERSIONS[VERSIONS.len() - 1]);
        let result = InitializeResult {
            capabilities: ServerCapabilities {
                tools: Some(ServerCapabilitiesTools { list_changed: None }),
                resources: Some(ServerCapabilitiesResources { list_changed: None, subscribe: None }),
                ..ServerCapabilities::default()
            },
            instructions: Some(
                "Folio indexes the user's own files on this machine. Use `search` to find passages (each with \
                 its file and place), `ask` for an answer written from them with citations, `get_passage` for a \
                 passage's context, and `list_folders` / `status` for what is indexed. Cite the file and place \
                 of what you use."
                    .into(),
            ),
            meta: None,
            protocol_version: version.into(),
            server_info: Implementation {
                name: "folio".into(),
                title: Some("Folio: your files, searchable and citable".into()),
                version: env!("CARGO_PKG_VERSION").into(),
                description: None,
                icons: Vec::new(),
                website_url: None,
            },
        };
        serde_json::to_value(result).unwrap_or(Value::Null)
    }

    fn tools(&self) -> Value {
        let mut tools = vec![
            tool(
                "search",
                "Search the user's indexed files (hybrid keyword and meaning search). Returns passages with their \
                 file path, place in the file (page, slide, sheet and rows, or lines), score, passage id and \
                 text. Filters restrict to a folder, a file type or modification dates.",
                json!({
                    "query": {"type": "string", "description": "What to look for, in any words."},
                    "k": {"type": "integer", "minimum": 1, "maximum": 50, "description": "How many passages (default 8)."},
                    "mode": {"type": "string", "enum": ["hybrid", "bm25", "dense"], "description": "Retrievers (default hybrid)."},
                    "folder": {"type": "string", "description": "Only files inside this folder (an absolute path)."},
                    "type": {"type": "string", "description": "Only files of this format: pdf, markdown, docx, text, html, xlsx, ..."},
                    "after": {"type": "string", "description": "Only files modified on or after this date (YYYY-MM-DD)."},
                    "before": {"type": "string", "description": "Only files modified before this date (YYYY-MM-DD)."}
                }),
                &["query"],
            ),
            tool(
                "ask",
                "Ask Folio a question about the user's files. Folio retrieves passages and its local model writes an \
                 answer citing them as [n]; each citation comes with its file, place and quote, and sentences their \
                 passage does not support are listed. `grounded` is false when the files do not seem to hold the \
                 answer. The answer is streamed as progress notifications while it is written.",
                json!({
                    "question": {"type": "string", "description": "The question, in the user's words."},
                    "chat": {"type": "integer", "description": "Continue this chat (its id from an earlier answer)."}
                }),
                &["question"],
            ),
            tool(
                "get_passage",
                "A passage by its id (from search or ask), with its neighbouring passages in the same file.",
                json!({
                    "id": {"type": "integer", "description": "The passage id."},
                    "context": {"type": "integer", "minimum": 0, "maximum": 5, "description": "Neighbours on each side (default 1)."}
                }),
                &["id"],
            ),
            tool("list_folders", "The folders (and single files) in the user's library, with how many files each has indexed, skipped or failed.", json!({}), &[]),
            tool(
                "status",
                "Every file of the library (or of one folder) with its status (indexed, skipped, failed, queued) and, \
                 for files not indexed, why.",
                json!({"folder": {"type": "string", "description": "Only this folder (an absolute path)."}}),
                &[],
            ),
        ];
        if self.allow_writes {
            tools.push(tool(
                "add_folder",
                "Add a folder (or file) to the library and index it; returns what was indexed, skipped or failed.",
                json!({"path": {"type": "string", "description": "An absolute path."}}),
                &["path"],
            ));
            tools.push(tool(
                "reindex",
                "Index the library's folders again (new, changed and removed files), or one of them.",
                json!({"folder": {"type": "string", "description": "Only this folder of the library."}}),
                &[],
            ));
        }
        serde_json::to_value(ListToolsResult { meta: None, next_cursor: None, tools }).unwrap_or(Value::Null)
    }

    async fn call_tool(&self, id: Value, params: &Value) {
        let name = params.get("name").and_then(Value::as_str).unwrap_or("");
        let args = params.get("arguments").cloned().unwrap_or_else(|| json!({}));
        let progress = params.get("_meta").and_then(|m| m.get("progressToken")).cloned();
        let known = ["search", "ask", "get_passage", "list_folders", "status"];
        let writes = ["add_folder", "reindex"];
        if !known.contains(&name) && !(writes.contains(&name) && self.allow_writes) {
            let why = if writes.contains(&name) {
                format!("{name} changes the library: start the server with `folio mcp --allow-writes`")
            } else {
                format!("there is no tool {name:?}")
            };
            self.send(error_response(id, INVALID_PARAMS, &why, Some("invalid_input")));
            return;
        }
        let outcome = match name {
            "search" => self.search(args).await,
            "ask" => self.ask(args, progress).await,
            "get_passage" => self.get_passage(args),
            "list_folders" => self.list_folders(),
            "status" => self.status(args),
            "add_folder" => self.add_folder(args).await,
            "reindex" => self.reindex(args).await,
            _ => Err(invalid("unknown tool")),
        };
        let result = match outcome {
            Ok(value) => tool_result(&value, false),
            Err(e) => tool_result(&json!({ "error": { "code": e.code, "message": e.message } }), true),
        };
        self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
    }

    async fn search(&self, args: Value) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            query: String,
            k: Option<usize>,
            mode: Option<String>,
            folder: Option<String>,
            #[serde(rename = "type")]
            kind: Option<String>,
            after: Option<String>,
            before: Option<String>,
        }
        let a: Args = arguments(args)?;
        let mode = match a.mode.as_deref().unwrap_or("hybrid") {
            "hybrid" => SearchMode::Hybrid,
            "bm25" => SearchMode::Bm25,
            "dense" => SearchMode::Dense,
            other => return Err(invalid(format!("mode {other:?} is not hybrid, bm25 or dense"))),
        };
        let k = a.k.unwrap_or(8);
        if !(1..=50).contains(&k) {
            return Err(invalid("k is between 1 and 50"));
        }
        let filter = self.filter(a.folder, a.kind, a.after, a.before)?;
        let options = SearchOptions { limit: k, mode, filter, ..SearchOptions::default() };
        let hits = self.library.search(&a.query, &options).await?;
        let results: Vec<Value> = hits
            .iter()
            .map(|h| {
                json!({
                    "passage_id": h.passage.chunk_id.0,
                    "document_id": h.passage.document_id.0,
                    "path": h.passage.path,
                    "place": h.passage.location.describe(),
                    "location": h.passage.location,
                    "score": h.score,
                    "text": h.passage.text,
                })
            })
            .collect();
        Ok(json!({ "results": results }))
    }

    /// A search filter from the tools' arguments; a folder must be one of the library's.
    fn filter(
        &self,
        folder: Option<String>,
        kind: Option<String>,
        after: Option<String>,
        before: Option<String>,
    ) -> Result<SearchFilter, ToolError> {
        let date = |d: Option<String>| -> Result<Option<i64>, ToolError> {
            d.map(|d| parse_date(&d).ok_or_else(|| invalid(format!("{d:?} is not a date: write YYYY-MM-DD"))))
                .transpose()
        };
        let folders = match folder {
            Some(f) => vec![self.library_folder(&f)?],
            None => Vec::new(),
        };
        Ok(SearchFilter {
            folders,
            formats: kind.map(|k| vec![k.trim().to_ascii_lowercase()]).unwrap_or_default(),
            modified_after: date(after)?,
            modified_before: date(before)?,
        })
    }

    /// `path` as a folder of the library (or inside one); anything else is refused.
    fn library_folder(&self, path: &str) -> Result<String, ToolError> {
        let folders = self.library.folders()?;
        let wanted = std::fs::canonicalize(path).map_err(|e| invalid(format!("{path}: {e}")))?;
        let inside = folders.iter().any(|f| wanted.starts_with(&f.path));
        if !inside {
            return Err(ToolError { code: "refused", message: format!("{path} is not in the library") });
        }
        Ok(wanted.to_string_lossy().into_owned())
    }

    async fn ask(&self, args: Value, progress: Option<Value>) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            question: String,
            chat: Option<i64>,
        }
        let a: Args = arguments(args)?;
        let options = AskOptions { chat: a.chat.map(ChatId), ..AskOptions::default() };
        let mut events = self.library.ask(&a.question, options);
        let mut written = String::new();
        let mut step = 0u64;
        while let Some(event) = events.recv().await {
            match event {
                AskEvent::Token(t) => {
                    written.push_str(&t);
                    step += 1;
                    if let Some(token) = &progress {
                        self.send(json!({
                            "jsonrpc": "2.0",
                            "method": "notifications/progress",
                            "params": { "progressToken": token, "progress": step, "message": written },
                        }));
                    }
                }
                AskEvent::Failed(f) => return Err(ToolError { code: f.code, message: f.message }),
                AskEvent::Finished(o) => {
                    let citations: Vec<Value> = o
                        .answer
                        .citations
                        .iter()
                        .map(|c| {
                            json!({
                                "marker": c.marker,
                                "passage_id": c.passage.chunk_id.0,
                                "path": c.passage.path,
                                "place": c.passage.location.describe(),
                                "quote": c.passage.text,
                            })
                        })
                        .collect();
                    return Ok(json!({
                        "chat": o.chat.0,
                        "answer": o.answer.text,
                        "grounded": o.grounded,
                        "citations": citations,
                        "unsupported": o.answer.unsupported,
                        "model": o.model,
                    }));
                }
                _ => {}
            }
        }
        Err(ToolError { code: "internal", message: "the answer stream ended early".into() })
    }

    fn get_passage(&self, args: Value) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            id: i64,
            context: Option<u32>,
        }
        let a: Args = arguments(args)?;
        let radius = a.context.unwrap_or(1);
        if radius > 5 {
            return Err(invalid("context is between 0 and 5"));
        }
        let passages = self.library.passage_context(ChunkId(a.id), radius)?;
        let out: Vec<Value> = passages
            .iter()
            .map(|p| {
                json!({
                    "passage_id": p.chunk_id.0,
                    "path": p.path,
                    "place": p.location.describe(),
                    "text": p.text,
                    "requested": p.chunk_id.0 == a.id,
                })
            })
            .collect();
        Ok(json!({ "passages": out }))
    }

    fn list_folders(&self) -> Result<Value, ToolError> {
        let docs = self.library.documents()?;
        let folders: Vec<Value> = self
            .library
            .folders()?
            .into_iter()
            .map(|f| {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for d in docs.iter().filter(|d| d.folder_id == f.id) {
                    *counts.entry(d.status.as_str()).or_default() += 1;
                }
                json!({ "path": f.path, "files": counts })
            })
            .collect();
        Ok(json!({ "folders": folders }))
    }

    fn status(&self, args: Value) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            folder: Option<String>,
        }
        let a: Args = arguments(args)?;
        let within = a.folder.map(|f| self.library_folder(&f)).transpose()?;
        let files: Vec<Value> = self
            .library
            .documents()?
            .into_iter()
            .filter(|d| within.as_ref().is_none_or(|w| std::path::Path::new(&d.path).starts_with(w)))
            .map(|d| {
                json!({
                    "path": d.path,
                    "status": d.status.as_str(),
                    "reason": d.reason.as_ref().map(ToString::to_string),
                    "code": d.reason.as_ref().map(Problem::code),
                })
            })
            .collect();
        Ok(json!({ "files": files }))
    }

    async fn add_folder(&self, args: Value) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            path: String,
        }
        let a: Args = arguments(args)?;
        self.index(vec![PathBuf::from(a.path)]).await
    }

    async fn reindex(&self, args: Value) -> Result<Value, ToolError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Args {
            folder: Option<String>,
        }
        let a: Args = arguments(args)?;
        let folders = match a.folder {
            Some(f) => vec![PathBuf::from(self.library_folder(&f)?)],
            None => self.library.folders()?.into_iter().map(|f| PathBuf::from(f.path)).collect(),
        };
        self.index(folders).await
    }

    async fn index(&self, folders: Vec<PathBuf>) -> Result<Value, ToolError> {
        let mut events = self.library.index_events(folders, IndexOptions::default());
        while let Some(event) = events.recv().await {
            match event {
                IndexEvent::Finished(r) => {
                    return Ok(json!({
                        "indexed": r.indexed,
                        "unchanged": r.unchanged,
                        "removed": r.removed,
                        "skipped": r.skipped.iter().map(note).collect::<Vec<_>>(),
                        "failed": r.failed.iter().map(note).collect::<Vec<_>>(),
                    }))
                }
                IndexEvent::Failed { failure, .. } => {
                    return Err(ToolError { code: failure.code, message: failure.message })
                }
                _ => {}
            }
        }
        Err(ToolError { code: "internal", message: "indexing ended without a report".into() })
    }

    fn resources(&self) -> Result<Value, (i64, String, Option<&'static str>)> {
        let docs = self.library.documents().map_err(rpc_error)?;
        let resources: Vec<Resource> = docs
            .into_iter()
            .filter(|d| d.status == Status::Indexed)
            .map(|d| Resource {
                annotations: None,
                description: Some(d.path.clone()),
                icons: Vec::new(),
                meta: None,
                mime_type: Some("text/plain".into()),
                name: folio_core::prompt::file_name(&d.path).to_string(),
                size: None,
                title: None,
                uri: format!("folio://document/{}", d.id.0),
            })
            .collect();
        serde_json::to_value(ListResourcesResult { meta: None, next_cursor: None, resources })
            .map_err(|e| (INVALID_REQUEST, e.to_string(), None))
    }

    fn read_resource(&self, params: &Value) -> Result<Value, (i64, String, Option<&'static str>)> {
        let uri = params.get("uri").and_then(Value::as_str).unwrap_or("");
        let id = uri.strip_prefix("folio://document/").and_then(|n| n.parse::<i64>().ok()).ok_or_else(|| {
            (INVALID_PARAMS, format!("{uri:?} is not a folio://document/<id>"), Some("invalid_input"))
        })?;
        let passages = self.library.document_passages(DocumentId(id)).map_err(rpc_error)?;
        let mut text = String::new();
        for p in &passages {
            text.push_str(&format!("[passage {} · {}]\n{}\n\n", p.chunk_id.0, p.location.describe(), p.text));
        }
        let contents = vec![ReadResourceContent::TextResourceContents(TextResourceContents {
            meta: None,
            mime_type: Some("text/plain".into()),
            text,
            uri: uri.to_string(),
        })];
        serde_json::to_value(ReadResourceResult { contents, meta: None })
            .map_err(|e| (INVALID_REQUEST, e.to_string(), None))
    }
}

fn rpc_error(e: EngineError) -> (i64, String, Option<&'static str>) {
    let code = match e {
        EngineError::NotFound(_) | EngineError::InvalidInput(_) | EngineError::Refused(_) => INVALID_PARAMS,
        _ => -32603,
    };
    (code, e.to_string(), Some(e.code()))
}

/// A tool's arguments, with a clear message when they do not fit its schema.
fn arguments<T: serde::de::DeserializeOwned>(args: Value) -> Result<T, ToolError> {
    serde_json::from_value(args).map_err(|e| invalid(format!("bad arguments: {e}")))
}

fn tool(name: &str, description: &str, properties: Value, required: &[&str]) -> Tool {
    let properties: HashMap<String, serde_json::Map<String, Value>> = match properties {
        Value::Object(map) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::Object(o) => Some((k, o)),
                _ => None,
            })
            .collect(),
        _ => HashMap::new(),
    };
    Tool {
        annotations: None,
        description: Some(description.into()),
        execution: None,
        icons: Vec::new(),
        input_schema: rust_mcp_schema::ToolInputSchema::new(
            required.iter().map(|r| r.to_string()).collect(),
            Some(properties),
            None,
        ),
        meta: None,
        name: name.into(),
        output_schema: None,
        title: None,
    }
}

/// A tool's result: the JSON as text for the model, and as structured content.
fn tool_result(value: &Value, is_error: bool) -> Value {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let result = CallToolResult {
        content: vec![ContentBlock::TextContent(TextContent::new(text, None, None))],
        is_error: Some(is_error),
        meta: None,
        structured_content: value.as_object().cloned(),
    };
    serde_json::to_value(result).unwrap_or(Value::Null)
}
/// A file not indexed, as the tools report it: its reason in English and the reason's stable code.
fn note(n: &FileNote) -> Value {
    json!({ "path": n.path, "reason": n.say(folio_engine::Language::English), "code": n.problem.code() })
}
