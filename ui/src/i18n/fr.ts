// The French messages. Typography: « » quotes and a non-breaking space (\u00a0) before : ; ? ! and
// inside the quotes; ’ as the apostrophe.
import type { FileDto } from "../bindings/FileDto";
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
    background: "Travail en arrière-plan",
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
