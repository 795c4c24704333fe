// The English messages: the catalogue's source of keys, which fr.ts must match. A plain text is a
// string; a text with numbers or names is a function; a text around an element (a button, a name in
// bold) is a template whose {slots} `fill` replaces, so translators see the whole sentence.
import type { ErrorDto } from "../bindings/ErrorDto";
import type { FileDto } from "../bindings/FileDto";
import type { Problem } from "../bindings/Problem";
import type { Stop } from "../bindings/Stop";
import { formatCount, formatNumber } from "../format";

const num = (n: number) => formatNumber(n, "en");
const count = (n: number, one: string, other: string) => formatCount(n, { one, other }, "en");
const range = (what: [string, string], [a, b]: [number, number]) =>
  a === b ? `${what[0]} ${num(a)}` : `${what[1]} ${num(a)}-${num(b)}`;

const fileStatus: Record<FileDto["status"], string> = {
  queued: "queued",
  indexing: "indexing",
  indexed: "indexed",
  skipped: "skipped",
  failed: "failed",
};

// Sizes in reasons are limits Folio sets in binary units, as the back end says them.
const megabytes = (bytes: number) => `${num(Math.floor(bytes / 2 ** 20))} MB`;
const memory = (bytes: number) => (bytes >= 2 ** 30 ? `${num(Math.round(bytes / 2 ** 30))} GB` : megabytes(bytes));
const limitTime = (ms: number) => (ms % 1000 === 0 ? `${num(ms / 1000)} s` : `${num(ms)} ms`);

function stopped(s: Stop): string {
  switch (s.kind) {
    case "time":
      return `stopped after ${limitTime(s.ms)}: reading this file took too long`;
    case "memory":
      return `stopped: needed more than ${memory(s.bytes)} of memory`;
    case "cpu":
      return `stopped: needed more than ${num(s.secs)} s of processor time`;
    case "nesting":
      return "stopped: the file is nested too deeply to read";
    case "xml_depth":
      return `stopped: ${s.part} nests elements more than ${num(s.limit)} deep`;
    case "text":
      return `stopped: this file's text is over the ${megabytes(s.bytes)} limit`;
    case "sections":
      return `stopped: this file has over ${num(s.limit)} sections`;
    case "entries":
      return `stopped: the ${s.archive} archive has over ${num(s.limit)} entries`;
    case "expands":
      return `stopped: ${s.part} expands to more than ${megabytes(s.bytes)} (a compression bomb?)`;
    case "cells":
      return `stopped: the sheets spread over more than ${num(s.limit)} cells`;
    case "crashed": {
      const how = s.signal !== null ? `signal ${s.signal}` : s.exit !== null ? `exit status: ${s.exit}` : "no exit status";
      return `stopped: the reader crashed on this file (${how})`;
    }
    case "panicked":
      return `the reader crashed on this file (${s.message})`;
    case "garbled":
      return `stopped: the reader's answer was garbled (${s.detail})`;
    case "no_worker":
      return `could not start Folio's extraction worker (${s.program}): ${s.error}`;
  }
}

function reason(p: Problem): string {
  switch (p.code) {
    case "empty":
      return "the file is empty";
    case "binary":
      return "the file looks binary, not text";
    case "unsupported":
      return "unsupported file type";
    case "encrypted":
      return "the file is password-protected";
    case "corrupt":
      return `the file is damaged or not in the format its name says: ${p.detail}`;
    case "needs_tool":
      return p.task === "pdf"
        ? `reading PDFs needs \`${p.tool}\` (Debian package ${p.package}), which is not installed`
        : `OCR needs \`${p.tool}\` (Debian package ${p.package}), which is not installed`;
    case "not_text":
      return `not text to index: ${formatNumber(p.run / 1e6, "en", 1)} MB without a space or line break (minified code or data?)`;
    case "stopped":
      return stopped(p.stop);
    case "no_text":
      return "no text to index";
    case "too_large":
      return `larger than the ${megabytes(p.limit)} limit`;
    case "stopped_while_reading":
      return "Folio stopped while reading this file; it will be read again once it changes";
    case "cannot_read": {
      const what = { file: "the file", folder: "this folder or file", details: "this file's details" }[p.what];
      return `cannot read ${what}: ${p.error}`;
    }
    case "other":
      return p.text;
  }
}

/** The English messages. */
export const en = {
  app: {
    tagline: "Answers from your own files. Nothing leaves this computer.",
    settings: "Settings",
    smallModelHint: "Answers come from the small bundled model. For better answers, get a Llama model in {settings}.",
  },

  /** What was being done when something failed, shown before the error in the banner. */
  failure: {
    readSettings: "Could not read the settings",
    openLibrary: "The library cannot be opened yet",
    resumeJobs: "Interrupted indexing could not be finished",
    watch: "Folio cannot watch the folders for changes",
    indexChanges: "Changes could not be indexed",
    followFolder: "Changes in this folder are not followed (the other folders are)",
    chooseModel: "Could not choose the model",
    useModelFile: "Could not use that model file",
    moveLibrary: "Could not change where the library lives",
    saveThreads: "Could not save the indexing threads",
    setLanguage: "Could not change the language",
    downloadLlama: "Could not download the Llama model",
    downloadEmbedder: "Could not download the search model",
    switchEmbedder: "Could not switch the search model",
    openFolderPicker: "Could not open the folder picker",
    readLibrary: "Could not read the library",
    index: "Could not index",
    pauseIndexing: "Could not pause indexing",
    resumeIndexing: "Could not resume indexing",
    cancelIndexing: "Could not cancel indexing",
    removeFolder: "Could not remove the folder",
    readChat: "Could not read the chat",
    readChats: "Could not read the chats",
    renameChat: "Could not rename the chat",
    deleteChat: "Could not delete the chat",
    stopAnswer: "Could not stop the answer",
    answer: "Could not answer",
    loadContext: "Could not load the passage's context",
    openFile: "Could not open the file",
  },

  error: {
    /** The banner's line: what failed, then why. */
    line: (what: string, why: string) => `${what}: ${why}`,
    dismiss: "Dismiss",
    /** After a problem the app tries again by itself. */
    retrying: (duration: string) => `Trying again in ${duration}.`,
    /** What each of the back end's error codes means; its own message follows as detail. */
    code: {
      invalid_input: "the request is not valid",
      not_found: "not found",
      refused: "refused",
      busy: "another process is using the library; try again when it is done",
      incompatible: "the library was made by another version of Folio",
      storage: "the library's storage failed",
      model: "the model is missing or failed",
      io: "a file or folder could not be read",
      internal: "internal error",
      not_granted: "the path was not confirmed",
    } satisfies Record<ErrorDto["code"], string>,
  },

  dialog: {
    close: "Close",
  },

  library: {
    title: "Library",
    pickerTitle: "Add folders to Folio",
    addByPath: "Add a folder or file by its path",
    pathPlaceholder: "/home/me/Documents",
    addFolder: "Add folder",
    chooseFolders: "Choose folders…",
    noFolders: "No folders yet.",
    noFiles: "no files",
    rescan: "Rescan",
    remove: "Remove",
    /** A file's status. */
    status: fileStatus,
    /** How many of a folder's files have `status`, as "12 indexed". */
    statusCount: (n: number, status: FileDto["status"]) => `${num(n)} ${fileStatus[status]}`,
  },

  indexing: {
    idle: "Drop folders or files on the window to add them to your library.",
    looking: "Looking for files…",
    finished: "Indexing finished.",
    failed: (why: string) => `Indexing failed: ${why}`,
    unknownError: "unknown error",
    filesOf: (done: number, total: number) => `${num(done)} of ${count(total, "file", "files")}`,
    passages: (n: number) => count(n, "passage", "passages"),
    paused: "paused",
    timeLeft: (duration: string) => `about ${duration} left`,
    cancelled: "Cancelled; the files done so far stay indexed.",
    summary: (indexed: number, chunks: number, unchanged: number, moved: number) =>
      `Indexed ${count(indexed, "file", "files")} (${count(chunks, "passage", "passages")}), ${num(unchanged)} unchanged` +
      (moved ? `, ${num(moved)} moved.` : "."),
    notIndexed: (n: number) => `${num(n)} not indexed`,
    /** A file not indexed, and why. */
    problem: "{path}: {reason}",
    progress: "Indexing progress",
    pause: "Pause",
    resume: "Resume",
    cancel: "Cancel",
  },

  /** Why a file was not indexed (the back end's `Problem`). */
  problem: {
    reason,
    /** `reason` for a file whose version indexed earlier stays in the index. */
    earlierKept: (reason: string) => `${reason}; the version indexed earlier is kept`,
  },

  chats: {
    title: "Chats",
    newChat: "New chat",
    none: "No chats yet.",
    titleField: "Chat title",
    save: "Save",
    rename: "Rename",
    renameChat: (title: string) => `Rename ${title}`,
    delete: "Delete",
    deleteChat: (title: string) => `Delete ${title}`,
  },

  ask: {
    region: "Ask",
    question: "Question",
    placeholder: "Ask a question about your files",
    ask: "Ask",
    stop: "Stop",
    intro: "Answers cite the passages of your files they come from.",
    earlier: "Earlier in this chat",
  },

  answer: {
    searching: (query: string, found: number) =>
      `Searching your files for “${query}”${found ? ` — ${count(found, "passage", "passages")} found` : ""}…`,
    unsupportedList: "Sentences their source does not support",
    unsupported: (marker: number, sentence: string, reason: string) =>
      `Not supported by [${marker}]: “${sentence}” (${reason})`,
    notFound: "Your files do not seem to contain the answer; closest passages below.",
    answeredBy: "Answered by {model}",
    stopped: "Stopped.",
    failed: (why: string) => `Could not answer: ${why}`,
    source: (marker: number) => `Source ${marker}`,
    sources: "Sources",
  },

  preview: {
    openFile: "Open file",
    openAtPage: (page: number) => `Open file at page ${num(page)}`,
  },

  /** Where a passage sits in its file, as folio-core's Location::describe says it in English. */
  place: {
    heading: (h: string) => `"${h}"`,
    page: (n: number) => `page ${num(n)}`,
    slide: (n: number) => `slide ${num(n)}`,
    sheet: (name: string) => `sheet ${name}`,
    rows: (r: [number, number]) => range(["row", "rows"], r),
    chapter: (n: number) => `chapter ${num(n)}`,
    message: (n: number) => `message ${num(n)}`,
    body: "body",
    paragraphs: (r: [number, number]) => range(["paragraph", "paragraphs"], r),
    lines: (r: [number, number]) => range(["line", "lines"], r),
    ocr: "OCR",
  },

  settings: {
    title: "Settings",
    /** Where data goes; it must stay true. */
    privacy:
      "Everything stays on this computer: your files, the index, your chats and the models. " +
      "Folio makes no network calls except a model download you start.",
    appearance: "Appearance",
    theme: "Theme",
    system: "System",
    light: "Light",
    dark: "Dark",
    language: "Language",
    indexing: "Indexing",
    threads: (max: number) => `Threads (1 to ${num(max)})`,
    save: "Save",
    threadsInUse: (n: number) => `Used for indexing: ${num(n)}. A change applies the next time Folio starts.`,
    storage: "Storage",
    libraryDir: "Library (index and chats)",
    modelsDir: "Models directory",
    modelFile: "Chat model file",
    libraryPickerTitle: "Choose where Folio keeps its library",
    moving: "Moving the library…",
    move: "Change library folder…",
    fromEnv: "FOLIO_LIBRARY sets the library folder; unset it to choose one here.",
    moveHelp:
      "Choose an empty folder to move the library there, index and chats included, or a folder that " +
      "holds a Folio library to switch to it. Your own files are not moved.",
  },

  model: {
    title: "Model that answers",
    inUseName: "In use: {model}",
    bundled: "SmolLM2 (bundled: small and fast, less accurate)",
    bundledSpeed: (rate: string) => `${rate} tokens/s measured on this machine`,
    llamaHelp:
      "Llama models give better answers, and are slower the larger they are: 8B answers best, " +
      "3B and 1B are for machines where it is too slow.",
    modelFacts: (size: string) => `download of ${size}`,
    modelSpeed: (rate: string) => `about ${rate} tokens/s here (estimate)`,
    speedEstimate: (rate: string) =>
      `Estimates scale the bundled model's ${rate} tokens/s, measured on this machine, by parameter count; ` +
      "a larger model is also slower to its first word.",
    inUse: "In use",
    use: "Use",
    downloadProgress: "Download progress",
    sizeOf: (done: string, total: string) => `${done} of ${total}`,
    download: (name: string) => `Download ${name}`,
    downloadShort: "Download",
    own: "Or a GGUF model file of your own",
    chooseFile: "Choose a file…",
    nextQuestion: "The next question loads the chosen model.",
  },
  embedder: {
    title: "Search model",
    inUse: "In use",
    use: "Use",
    english: "English only",
    multilingual: "many languages: a French question finds an English note, and the reverse",
    bundled: "bundled",
    download: (size: string) => `Download (${size})`,
    downloading: "Downloading…",
    downloadProgress: "Download progress",
    switching: (model: string, done: string, total: string) =>
      `Switching to ${model}: ${done} of ${total} passages embedded. Search uses the current model until it is done.`,
    switchProgress: "Switch progress",
    note: "Switching embeds every passage again; it goes on after a restart.",
  },
};

/** The shape every language's messages have. */
export type Messages = typeof en;
