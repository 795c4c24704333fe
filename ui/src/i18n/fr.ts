// The French messages. Typography: « » quotes and a non-breaking space (\u00a0) before : ; ? ! and
// inside the quotes; ’ as the apostrophe.
import type { FileDto } from "../bindings/FileDto";
import type { Problem } from "../bindings/Problem";
import type { Stop } from "../bindings/Stop";
import { formatCount, formatNumber } from "../format";
import type { Messages } from "./en";

const num = (n: number) => formatNumber(n, "fr");
const count = (n: number, one: string, other: string) => formatCount(n, { one, other }, "fr");
const quote = (s: string) => `«\u00a0${s}\u00a0»`;
const range = (what: [string, string], [a, b]: [number, number]) =>
  a === b ? `${what[0]} ${num(a)}` : `${what[1]} ${num(a)}-${num(b)}`;

const fileStatus: Record<FileDto["status"], string> = {
  queued: "en attente",
  indexing: "en cours",
  indexed: "indexé",
  skipped: "ignoré",
  failed: "en échec",
};
// The statuses that agree with the number of files.
const fileStatusPlural: Partial<Record<FileDto["status"], string>> = { indexed: "indexés", skipped: "ignorés" };

// Sizes in reasons are limits Folio sets in binary units, as the back end says them.
const megaoctets = (bytes: number) => `${num(Math.floor(bytes / 2 ** 20))}\u00a0Mo`;
const memory = (bytes: number) => (bytes >= 2 ** 30 ? `${num(Math.round(bytes / 2 ** 30))}\u00a0Go` : megaoctets(bytes));
const limitTime = (ms: number) => (ms % 1000 === 0 ? `${num(ms / 1000)}\u00a0s` : `${num(ms)}\u00a0ms`);

// The system's usual messages as Rust words them, in French: the back end's table
// (folio_core::problem::SYSTEM_ERRORS_FR), checked against it through problems.json.
const systemErrors = new Map<string, string>([
  ["Permission denied", "permission refusée"],
  ["Operation not permitted", "opération non permise"],
  ["No such file or directory", "fichier ou dossier introuvable"],
  ["Input/output error", "erreur d’entrée-sortie"],
  ["No such device or address", "périphérique ou adresse introuvable"],
  ["Cannot allocate memory", "mémoire insuffisante"],
  ["Device or resource busy", "périphérique ou ressource occupé"],
  ["Not a directory", "ce n’est pas un dossier"],
  ["Is a directory", "c’est un dossier"],
  ["Too many open files", "trop de fichiers ouverts"],
  ["File too large", "fichier trop volumineux"],
  ["No space left on device", "plus de place sur le disque"],
  ["Read-only file system", "système de fichiers en lecture seule"],
  ["File name too long", "nom de fichier trop long"],
  ["Too many levels of symbolic links", "trop de niveaux de liens symboliques"],
  ["Connection timed out", "délai de connexion dépassé"],
  ["Stale file handle", "référence de fichier périmée (partage réseau)"],
  ["Transport endpoint is not connected", "le point de montage n’est plus connecté"],
  ["Resource temporarily unavailable", "ressource temporairement indisponible"],
  ["Exec format error", "format d’exécutable invalide"],
  ["Text file busy", "fichier exécutable occupé"],
  ["Invalid argument", "argument invalide"],
  ["Operation not supported", "opération non prise en charge"],
]);

/** A system message ("Permission denied (os error 13)") in French when it is a usual one. */
function systemError(error: string): string {
  const m = /^(.*) \(os error (\d+)\)$/.exec(error);
  const french = m?.[1] === undefined ? undefined : systemErrors.get(m[1]);
  return french === undefined ? error : `${french} (erreur système ${m?.[2] ?? ""})`;
}

function stopped(s: Stop): string {
  switch (s.kind) {
    case "time":
      return `arrêté après ${limitTime(s.ms)}\u00a0: la lecture de ce fichier prenait trop de temps`;
    case "memory":
      return `arrêté\u00a0: il fallait plus de ${memory(s.bytes)} de mémoire`;
    case "cpu":
      return `arrêté\u00a0: il fallait plus de ${num(s.secs)}\u00a0s de temps processeur`;
    case "nesting":
      return "arrêté\u00a0: le fichier est imbriqué trop profondément pour être lu";
    case "xml_depth":
      return `arrêté\u00a0: ${s.part} imbrique des éléments sur plus de ${num(s.limit)} niveaux`;
    case "text":
      return `arrêté\u00a0: le texte de ce fichier dépasse la limite de ${megaoctets(s.bytes)}`;
    case "sections":
      return `arrêté\u00a0: ce fichier a plus de ${num(s.limit)} sections`;
    case "entries":
      return `arrêté\u00a0: l’archive ${s.archive} a plus de ${num(s.limit)} entrées`;
    case "expands":
      return `arrêté\u00a0: ${s.part} se décompresse en plus de ${megaoctets(s.bytes)} (une bombe de compression\u00a0?)`;
    case "cells":
      return `arrêté\u00a0: les feuilles s’étendent sur plus de ${num(s.limit)} cellules`;
    case "crashed": {
      const how =
        s.signal !== null ? `signal ${s.signal}` : s.exit !== null ? `code de sortie ${s.exit}` : "sans code de sortie";
      return `arrêté\u00a0: le programme de lecture a planté sur ce fichier (${how})`;
    }
    case "panicked":
      return `le programme de lecture a planté sur ce fichier (${s.message})`;
    case "garbled":
      return `arrêté\u00a0: la réponse du programme de lecture était illisible (${s.detail})`;
    case "no_worker":
      return `impossible de démarrer le programme d’extraction de Folio (${s.program})\u00a0: ${systemError(s.error)}`;
  }
}

function reason(p: Problem): string {
  switch (p.code) {
    case "empty":
      return "le fichier est vide";
    case "binary":
      return "le fichier semble binaire, ce n’est pas du texte";
    case "unsupported":
      return "type de fichier non pris en charge";
    case "encrypted":
      return "le fichier est protégé par un mot de passe";
    case "corrupt":
      return `le fichier est endommagé ou n’est pas au format que son nom indique\u00a0: ${p.detail}`;
    case "needs_tool":
      return p.task === "pdf"
        ? `lire les PDF demande \`${p.tool}\` (paquet Debian ${p.package}), qui n’est pas installé`
        : `l’OCR demande \`${p.tool}\` (paquet Debian ${p.package}), qui n’est pas installé`;
    case "not_text":
      return (
        `pas du texte à indexer\u00a0: ${formatNumber(p.run / 1e6, "fr", 1)}\u00a0Mo sans espace ni ` +
        "saut de ligne (code minifié ou données\u00a0?)"
      );
    case "stopped":
      return stopped(p.stop);
    case "no_text":
      return "aucun texte à indexer";
    case "too_large":
      return `plus grand que la limite de ${megaoctets(p.limit)}`;
    case "stopped_while_reading":
      return "Folio s’est arrêté pendant la lecture de ce fichier\u00a0; il sera relu quand il changera";
    case "cannot_read": {
      const what = { file: "le fichier", folder: "ce dossier ou ce fichier", details: "les propriétés de ce fichier" }[
        p.what
      ];
      return `impossible de lire ${what}\u00a0: ${systemError(p.error)}`;
    }
    case "other":
      return p.text;
  }
}

/** The French messages. */
export const fr: Messages = {
  app: {
    tagline: "Des réponses tirées de vos propres fichiers. Rien ne quitte cet ordinateur.",
    settings: "Paramètres",
    smallModelHint:
      "Les réponses viennent du petit modèle fourni avec Folio. Pour de meilleures réponses, téléchargez " +
      "un modèle Llama dans les {settings}.",
  },

  failure: {
    readSettings: "Impossible de lire les paramètres",
    openLibrary: "La bibliothèque ne peut pas encore être ouverte",
    resumeJobs: "L’indexation interrompue n’a pas pu être terminée",
    watch: "Folio ne peut pas surveiller les dossiers",
    indexChanges: "Les changements n’ont pas pu être indexés",
    followFolder: "Les changements de ce dossier ne sont pas suivis (ceux des autres dossiers le sont)",
    chooseModel: "Impossible de choisir le modèle",
    useModelFile: "Impossible d’utiliser ce fichier de modèle",
    moveLibrary: "Impossible de changer l’emplacement de la bibliothèque",
    saveThreads: "Impossible d’enregistrer le nombre de threads d’indexation",
    setLanguage: "Impossible de changer de langue",
    downloadLlama: "Impossible de télécharger le modèle Llama",
    downloadEmbedder: "Impossible de télécharger le modèle de recherche",
    switchEmbedder: "Impossible de changer de modèle de recherche",
    openFolderPicker: "Impossible d’ouvrir le sélecteur de dossiers",
    readLibrary: "Impossible de lire la bibliothèque",
    index: "Impossible d’indexer",
    pauseIndexing: "Impossible de suspendre l’indexation",
    resumeIndexing: "Impossible de reprendre l’indexation",
    cancelIndexing: "Impossible d’annuler l’indexation",
    removeFolder: "Impossible de retirer le dossier",
    readChat: "Impossible de lire la conversation",
    readChats: "Impossible de lire les conversations",
    renameChat: "Impossible de renommer la conversation",
    deleteChat: "Impossible de supprimer la conversation",
    stopAnswer: "Impossible d’arrêter la réponse",
    answer: "Impossible de répondre",
    loadContext: "Impossible de charger le contexte du passage",
    openFile: "Impossible d’ouvrir le fichier",
  },

  error: {
    line: (what, why) => `${what}\u00a0: ${why}`,
    dismiss: "Fermer",
    retrying: (duration) => `Nouvel essai dans ${duration}.`,
    code: {
      invalid_input: "la demande n’est pas valide",
      not_found: "introuvable",
      refused: "refusé",
      busy: "un autre processus utilise la bibliothèque\u00a0; réessayez quand il aura terminé",
      incompatible: "la bibliothèque a été créée par une autre version de Folio",
      storage: "le stockage de la bibliothèque a échoué",
      model: "le modèle est absent ou a échoué",
      io: "un fichier ou un dossier n’a pas pu être lu",
      internal: "erreur interne",
      not_granted: "le chemin n’a pas été confirmé",
    },
  },

  dialog: {
    close: "Fermer",
  },

  library: {
    title: "Bibliothèque",
    pickerTitle: "Ajouter des dossiers à Folio",
    addByPath: "Ajouter un dossier ou un fichier par son chemin",
    pathPlaceholder: "/home/moi/Documents",
    addFolder: "Ajouter le dossier",
    chooseFolders: "Choisir des dossiers…",
    noFolders: "Aucun dossier pour l’instant.",
    noFiles: "aucun fichier",
    rescan: "Réanalyser",
    remove: "Retirer",
    status: fileStatus,
    statusCount: (n, status) => count(n, fileStatus[status], fileStatusPlural[status] ?? fileStatus[status]),
  },

  indexing: {
    idle: "Déposez des dossiers ou des fichiers sur la fenêtre pour les ajouter à votre bibliothèque.",
    looking: "Recherche des fichiers…",
    finished: "Indexation terminée.",
    failed: (why) => `Échec de l’indexation\u00a0: ${why}`,
    unknownError: "erreur inconnue",
    filesOf: (done, total) => `${num(done)} sur ${count(total, "fichier", "fichiers")}`,
    passages: (n) => count(n, "passage", "passages"),
    paused: "en pause",
    timeLeft: (duration) => `encore environ ${duration}`,
    cancelled: "Annulé\u00a0; les fichiers déjà traités restent indexés.",
    summary: (indexed, chunks, unchanged, moved) =>
      `${count(indexed, "fichier indexé", "fichiers indexés")} (${count(chunks, "passage", "passages")}), ` +
      count(unchanged, "inchangé", "inchangés") +
      (moved ? `, ${count(moved, "déplacé", "déplacés")}.` : "."),
    notIndexed: (n) => count(n, "non indexé", "non indexés"),
    problem: "{path}\u00a0: {reason}",
    progress: "Progression de l’indexation",
    pause: "Suspendre",
    resume: "Reprendre",
    cancel: "Annuler",
  },

  problem: {
    reason,
    earlierKept: (reason) => `${reason}\u00a0; la version indexée auparavant est conservée`,
  },

  chats: {
    title: "Conversations",
    newChat: "Nouvelle conversation",
    none: "Aucune conversation pour l’instant.",
    titleField: "Titre de la conversation",
    save: "Enregistrer",
    rename: "Renommer",
    renameChat: (title) => `Renommer ${quote(title)}`,
    delete: "Supprimer",
    deleteChat: (title) => `Supprimer ${quote(title)}`,
  },

  ask: {
    region: "Poser une question",
    question: "Question",
    placeholder: "Posez une question sur vos fichiers",
    ask: "Poser la question",
    stop: "Arrêter",
    intro: "Les réponses citent les passages de vos fichiers dont elles proviennent.",
    earlier: "Plus tôt dans cette conversation",
  },

  answer: {
    searching: (query, found) =>
      `Recherche de ${quote(query)} dans vos fichiers${found ? ` — ${count(found, "passage trouvé", "passages trouvés")}` : ""}…`,
    unsupportedList: "Phrases que leur source n’étaie pas",
    unsupported: (marker, sentence, reason) => `Non étayé par [${marker}]\u00a0: ${quote(sentence)} (${reason})`,
    notFound: "Vos fichiers ne semblent pas contenir la réponse\u00a0; voici les passages les plus proches.",
    answeredBy: "Réponse de {model}",
    stopped: "Réponse interrompue.",
    failed: (why) => `Impossible de répondre\u00a0: ${why}`,
    source: (marker) => `Source ${marker}`,
    sources: "Sources",
  },

  preview: {
    openFile: "Ouvrir le fichier",
    openAtPage: (page) => `Ouvrir le fichier à la page ${num(page)}`,
  },

  place: {
    heading: quote,
    page: (n) => `page ${num(n)}`,
    slide: (n) => `diapositive ${num(n)}`,
    sheet: (name) => `feuille ${name}`,
    rows: (r) => range(["ligne", "lignes"], r),
    chapter: (n) => `chapitre ${num(n)}`,
    message: (n) => `message ${num(n)}`,
    body: "corps du message",
    paragraphs: (r) => range(["paragraphe", "paragraphes"], r),
    lines: (r) => range(["ligne", "lignes"], r),
    ocr: "OCR",
  },

  settings: {
    title: "Paramètres",
    privacy:
      "Tout reste sur cet ordinateur\u00a0: vos fichiers, l’index, vos conversations et les modèles. " +
      "Folio ne fait aucun appel réseau, sauf le téléchargement d’un modèle que vous lancez vous-même.",
    appearance: "Apparence",
    theme: "Thème",
    system: "Système",
    light: "Clair",
    dark: "Sombre",
    language: "Langue",
    indexing: "Indexation",
    threads: (max) => `Threads (1 à ${num(max)})`,
    save: "Enregistrer",
    threadsInUse: (n) =>
      `Threads utilisés pour l’indexation\u00a0: ${num(n)}. Un changement s’applique au prochain démarrage de Folio.`,
    storage: "Stockage",
    libraryDir: "Bibliothèque (index et conversations)",
    modelsDir: "Dossier des modèles",
    modelFile: "Fichier du modèle de conversation",
    libraryPickerTitle: "Choisir où Folio range sa bibliothèque",
    moving: "Déplacement de la bibliothèque…",
    move: "Changer le dossier de la bibliothèque…",
    fromEnv: "FOLIO_LIBRARY fixe le dossier de la bibliothèque\u00a0; retirez cette variable pour en choisir un ici.",
    moveHelp:
      "Choisissez un dossier vide pour y déplacer la bibliothèque, index et conversations compris, ou un dossier " +
      "qui contient une bibliothèque Folio pour passer à celle-ci. Vos propres fichiers ne sont pas déplacés.",
  },

  model: {
    title: "Modèle qui répond",
    inUseName: "Modèle en service\u00a0: {model}",
    bundled: "SmolLM2 (fourni\u00a0: petit et rapide, moins précis)",
    bundledSpeed: (rate) => `${rate}\u00a0jetons/s mesurés sur cette machine`,
    llamaHelp:
      "Les modèles Llama répondent mieux, et d’autant plus lentement qu’ils sont gros\u00a0: 8B répond le mieux, " +
      "3B et 1B sont pour les machines où il est trop lent.",
    modelFacts: (size) => `téléchargement de ${size}`,
    modelSpeed: (rate) => `environ ${rate}\u00a0jetons/s ici (estimation)`,
    speedEstimate: (rate) =>
      `Les estimations rapportent les ${rate}\u00a0jetons/s du modèle fourni, mesurés sur cette machine, au nombre ` +
      "de paramètres\u00a0; un plus gros modèle met aussi plus de temps à écrire son premier mot.",
    inUse: "En service",
    use: "Utiliser",
    downloadProgress: "Progression du téléchargement",
    sizeOf: (done, total) => `${done} sur ${total}`,
    download: (name) => `Télécharger ${name}`,
    downloadShort: "Télécharger",
    own: "Ou votre propre fichier de modèle GGUF",
    chooseFile: "Choisir un fichier…",
    nextQuestion: "La prochaine question charge le modèle choisi.",
  },
  embedder: {
    title: "Modèle de recherche",
    inUse: "En service",
    use: "Utiliser",
    english: "anglais seulement",
    multilingual: "multilingue\u00a0: une question en français trouve une note en anglais, et inversement",
    bundled: "fourni",
    download: (size) => `Télécharger (${size})`,
    downloading: "Téléchargement…",
    downloadProgress: "Progression du téléchargement",
    switching: (model, done, total) =>
      `Passage à ${model}\u00a0: ${done} passages sur ${total} traités. La recherche garde le modèle actuel jusqu’à la fin.`,
    switchProgress: "Progression du changement",
    note: "Changer de modèle recalcule chaque passage\u00a0; le travail reprend après un redémarrage.",
  },
};
