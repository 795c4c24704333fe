// Folio's window: add folders (drop or path), watch progress, ask and read cited answers.
// Document text and model output are untrusted: they are set as textContent, except the finished
// answer, which arrives as HTML sanitised in Rust (src-tauri/src/render.rs).
import * as api from "./api.js";

const $ = (id) => document.getElementById(id);

function setStatus(text) {
  $("library-status").textContent = text;
}

let currentJob = 0;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function refreshLibrary() {
  try {
    const folders = await api.libraryOverview();
    const list = $("folders");
    list.replaceChildren();
    for (const f of folders) {
      const counts = {};
      for (const file of f.files) counts[file.status] = (counts[file.status] ?? 0) + 1;
      const summary = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ");
      const li = el("li");
      const details = el("details");
      details.append(el("summary", `${f.path} — ${summary || "no files"}`));
      const files = el("ul");
      for (const file of f.files.filter((x) => x.status !== "indexed")) {
        files.append(el("li", `${file.path}: ${file.status}${file.reason ? ` (${file.reason})` : ""}`));
      }
      const remove = el("button", "Remove from library");
      remove.type = "button";
      remove.addEventListener("click", async () => {
        await api.removeFolder(f.path);
        refreshLibrary();
      });
      const rescan = el("button", "Rescan");
      rescan.type = "button";
      rescan.addEventListener("click", () => add([f.path]));
      details.append(files, rescan, remove);
      li.append(details);
      list.append(li);
    }
  } catch (e) {
    setStatus(`Could not read the library: ${e.message ?? e}`);
  }
}

async function refreshChats() {
  try {
    const list = $("chats");
    list.replaceChildren();
    for (const c of await api.chats()) {
      const li = el("li");
      const open = el("button", c.title, "link");
      open.type = "button";
      open.addEventListener("click", () => showChat(c.id));
      const del = el("button", "Delete");
      del.type = "button";
      del.addEventListener("click", async () => {
        await api.deleteChat(c.id);
        if (currentChat === c.id) currentChat = null;
        refreshChats();
      });
      li.append(open, del);
      list.append(li);
    }
  } catch (e) {
    setStatus(`Could not read the chats: ${e.message ?? e}`);
  }
}

// The cited passage in context: its neighbours as plain text, the passage itself highlighted.
async function showPreview(passage) {
  const panel = $("preview");
  panel.replaceChildren();
  panel.hidden = false;
  const head = el("div", `${passage.path} — ${passage.place}`, "source-head");
  const open = el("button", "Open file");
  open.type = "button";
  open.addEventListener("click", () => api.openFile(passage.path).catch((e) => setStatus(e.message ?? String(e))));
  const close = el("button", "Close");
  close.type = "button";
  close.addEventListener("click", () => { panel.hidden = true; });
  const body = el("div", undefined, "preview-text");
  try {
    for (const p of await api.preview(passage.chunkId)) {
      body.append(p.chunkId === passage.chunkId ? el("mark", p.text) : el("p", p.text));
    }
  } catch (e) {
    body.append(el("p", `Could not load the passage: ${e.message ?? e}`));
  }
  panel.append(head, open, close, body);
}

async function showChat(id) {
  currentChat = id;
  $("new-chat").hidden = false;
  const answer = $("answer");
  answer.replaceChildren();
  for (const m of await api.chatMessages(id)) {
    const p = el("p", m.text, m.role === "user" ? "question" : "reply");
    if (m.state === "cancelled") p.append(el("span", " (stopped)", "model"));
    answer.append(p);
    if (m.citations.length) renderSources(m.citations);
  }
}

async function add(paths) {
  if (!paths.length) return;
  setStatus(`Indexing ${paths.join(", ")}…`);
  $("progress").hidden = false;
  try {
    $("job-controls").hidden = false;
    const r = await api.addPaths(paths);
    const end = r.cancelled ? "Cancelled; the files done so far stay indexed. " : "";
    setStatus(`${end}Indexed ${r.indexed} files (${r.chunks} passages), ${r.unchanged} unchanged, ${r.moved} moved, ${r.problems.length} not indexed.`);
  } catch (e) {
    setStatus(`Could not index: ${e.message ?? e}`);
  } finally {
    $("progress").hidden = true;
    $("job-controls").hidden = true;
    refreshLibrary();
  }
}

function renderSources(citations) {
  const list = $("sources");
  list.replaceChildren();
  for (const c of citations) {
    const li = document.createElement("li");
    const head = document.createElement("div");
    head.className = "source-head";
    head.textContent = `[${c.marker}] ${c.passage.path} — ${c.passage.place}`;
    const quote = document.createElement("blockquote");
    quote.textContent = c.passage.text;
    head.classList.add("clickable");
    head.tabIndex = 0;
    head.addEventListener("click", () => showPreview(c.passage));
    li.append(head, quote);
    list.append(li);
  }
}

// The chat follow-up questions continue; null until the first answer starts.
let currentChat = null;

async function askQuestion(question) {
  const answer = $("answer");
  answer.textContent = "";
  $("sources").replaceChildren();
  answer.classList.add("pending");
  try {
    $("stop").hidden = false;
    await api.ask(question, currentChat, (ev) => {
      if (ev.kind === "started") {
        currentChat = ev.chat;
        $("new-chat").hidden = false;
        refreshChats();
      } else if (ev.kind === "token") {
        answer.classList.remove("pending");
        answer.textContent += ev.text;
      } else if (ev.kind === "finished") {
        // answerHtml is Markdown rendered and sanitised in Rust (ammonia allow-list); nothing else is
        // ever inserted as HTML.
        answer.innerHTML = ev.answerHtml;
        const model = document.createElement("p");
        model.className = "model";
        model.textContent = ev.grounded ? `Answered by ${ev.model}` : "Not found in your files; nothing was invented.";
        answer.append(model);
        renderSources(ev.citations);
      } else if (ev.kind === "failed") {
        answer.textContent = `Could not answer: ${ev.message}`;
      }
    });
  } catch (e) {
    answer.textContent = `Could not answer: ${e.message ?? e}`;
  } finally {
    answer.classList.remove("pending");
    $("stop").hidden = true;
  }
}

window.addEventListener("DOMContentLoaded", () => {
  api.onDrop((paths) => add(paths));
  api.onIndexProgress((p) => {
    currentJob = p.job;
    $("progress").hidden = false;
    $("progress").max = Math.max(p.filesTotal, 1);
    $("progress").value = p.filesDone;
    const rate = `${(p.bytesPerSec / 1e6).toFixed(1)} MB/s`;
    const eta = p.etaSecs == null ? "" : `, about ${Math.floor(p.etaSecs / 60)}:${String(p.etaSecs % 60).padStart(2, "0")} left`;
    const paused = p.paused ? " — paused" : "";
    setStatus(`${p.filesDone}/${p.filesTotal} files, ${p.chunksWritten} passages, ${rate}${eta}${paused}`);
    $("job-pause").hidden = p.paused;
    $("job-resume").hidden = !p.paused;
  });
  api.onLibraryChanged(() => refreshLibrary());
  $("job-pause").addEventListener("click", () => currentJob && api.controlJob(currentJob, "pause"));
  $("job-resume").addEventListener("click", () => currentJob && api.controlJob(currentJob, "resume"));
  $("job-cancel").addEventListener("click", () => currentJob && api.controlJob(currentJob, "cancel"));
  refreshLibrary();
  refreshChats();
  $("add-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const p = $("add-path").value.trim();
    if (p) add([p]);
  });
  $("stop").addEventListener("click", () => api.stop());
  $("new-chat").addEventListener("click", () => {
    currentChat = null;
    $("new-chat").hidden = true;
    $("answer").textContent = "";
    $("sources").replaceChildren();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("stop").hidden) api.stop();
  });
  $("ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("question").value.trim();
    if (q) askQuestion(q);
  });
});
