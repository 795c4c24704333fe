// Folio's window: add folders (drop or path), watch progress, ask and read cited answers.
// Document text and model output are untrusted: they are only ever set as textContent.
import * as api from "./api.js";

const $ = (id) => document.getElementById(id);

function setStatus(text) {
  $("library-status").textContent = text;
}

async function add(paths) {
  if (!paths.length) return;
  setStatus(`Indexing ${paths.join(", ")}…`);
  $("progress").hidden = false;
  try {
    const r = await api.addPaths(paths);
    setStatus(`Indexed ${r.indexed} files (${r.chunks} passages), ${r.unchanged} unchanged, ${r.problems.length} not indexed.`);
  } catch (e) {
    setStatus(`Could not index: ${e.message ?? e}`);
  } finally {
    $("progress").hidden = true;
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
      } else if (ev.kind === "token") {
        answer.classList.remove("pending");
        answer.textContent += ev.text;
      } else if (ev.kind === "finished") {
        answer.textContent = ev.answer;
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
    $("progress").max = Math.max(p.filesTotal, 1);
    $("progress").value = p.filesDone;
    setStatus(`${p.filesDone}/${p.filesTotal} files, ${p.chunksWritten} passages`);
  });
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
