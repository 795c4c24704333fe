import { describe, expect, it } from "vitest";
import { catalogues, i18nFor, resolveLanguage, type Lang } from ".";
import { en } from "./en";
import { fr } from "./fr";
import type { Problem } from "../bindings/Problem";
import problems from "./problems.json";

type Tree = { [key: string]: unknown };

/** Every message as [path, value], e.g. ["indexing.filesOf", fn]. */
function leaves(tree: Tree, prefix = ""): Array<[string, unknown]> {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? leaves(v as Tree, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

/** The arguments each message that takes some is tried with. */
const samples: Record<string, unknown[]> = {
  "error.line": ["Could not answer", "busy"],
  "error.retrying": ["2 s"],
  "library.statusCount": [2, "indexed"],
  "indexing.failed": ["the disk is full"],
  "indexing.filesOf": [3, 40],
  "indexing.passages": [2],
  "indexing.timeLeft": ["2 min 5 s"],
  "indexing.summary": [38, 400, 1, 2],
  "indexing.notIndexed": [2],
  "problem.reason": [{ code: "stopped", stop: { kind: "entries", archive: "DOCX", limit: 20000 } }],
  "problem.earlierKept": ["the file is empty"],
  "chats.renameChat": ["Comets"],
  "chats.deleteChat": ["Comets"],
  "answer.searching": ["comet return", 2],
  "answer.unsupported": [4, "She was born in 1822 [4].", "the passage does not say 1822"],
  "answer.failed": ["the model failed"],
  "answer.source": [2],
  "preview.openAtPage": [4],
  "place.heading": ["Intro"],
  "place.page": [3],
  "place.slide": [3],
  "place.sheet": ["Q3"],
  "place.rows": [[4, 9]],
  "place.chapter": [3],
  "place.message": [3],
  "place.paragraphs": [[4, 9]],
  "place.lines": [[4, 9]],
  "settings.threads": [8],
  "settings.threadsInUse": [4],
  "model.sizeOf": ["2.0 GB", "4.0 GB"],
  "model.bundledSpeed": ["42.4"],
  "model.modelFacts": ["808 MB"],
  "model.modelSpeed": ["4.6"],
  "model.speedEstimate": ["42.4"],
  "model.download": ["Llama 3.2 1B Instruct"],
  "embedder.download": ["490 MB"],
  "embedder.switching": ["multilingual-e5-small", "640", "2,000"],
};

/** Every message of `lang` as text: strings as they are, functions called with their samples. */
function texts(lang: Lang): Array<[string, string]> {
  return leaves(catalogues[lang]).map(([path, v]) => {
    if (typeof v === "string") return [path, v];
    const args = samples[path];
    if (!args) throw new Error(`no sample arguments for ${path}`);
    return [path, (v as (...a: unknown[]) => string)(...args)];
  });
}

const slots = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the catalogue", () => {
  it("has the same messages in both languages, each taking the same number of arguments", () => {
    const shape = (tree: Tree) => leaves(tree).map(([path, v]) => [path, typeof v === "function" ? v.length : typeof v]);
    expect(shape(fr)).toEqual(shape(en));
  });

  it("has no empty message, and none that shows undefined or NaN", () => {
    for (const lang of ["en", "fr"] as const) {
      for (const [path, text] of texts(lang)) {
        expect(text.trim(), `${lang} ${path}`).not.toBe("");
        expect(text, `${lang} ${path}`).not.toMatch(/undefined|NaN|\[object/);
      }
    }
  });

  it("has the same {slots} in both languages", () => {
    const french = new Map(texts("fr"));
    for (const [path, text] of texts("en")) expect(slots(french.get(path) ?? ""), path).toEqual(slots(text));
  });

  it("translates every message but names and words French shares", () => {
    const shared = ["indexing.passages", "ask.question", "answer.source", "answer.sources", "place.page", "place.message", "place.ocr"];
    const french = new Map(texts("fr"));
    const same = texts("en").filter(([path, text]) => french.get(path) === text).map(([path]) => path);
    expect(same).toEqual(shared);
  });

  it("follows French typography: non-breaking spaces before : ; ? ! and inside « », and ’", () => {
    for (const [path, text] of texts("fr")) {
      expect(text, path).not.toMatch(/ [:;?!»]|« |[^\u00a0][:;?!](\s|$)|'/);
    }
  });

  it("counts in each language's plural forms", () => {
    expect([0, 1, 2].map(en.indexing.passages)).toEqual(["0 passages", "1 passage", "2 passages"]);
    expect([0, 1, 2].map(fr.indexing.passages)).toEqual(["0 passage", "1 passage", "2 passages"]);
    expect(en.indexing.filesOf(1, 1)).toBe("1 of 1 file");
    expect(fr.indexing.filesOf(0, 1)).toBe("0 sur 1 fichier");
    expect(fr.indexing.filesOf(2, 2)).toBe("2 sur 2 fichiers");
    expect(fr.indexing.summary(1, 0, 2, 0)).toBe("1 fichier indexé (0 passage), 2 inchangés.");
    expect(fr.library.statusCount(2, "indexed")).toBe("2 indexés");
    expect(fr.library.statusCount(2, "failed")).toBe("2 en échec");
    expect(fr.indexing.filesOf(1200, 12000)).toBe("1\u202f200 sur 12\u202f000 fichiers");
    expect(en.indexing.filesOf(1200, 12000)).toBe("1,200 of 12,000 files");
  });
});

describe("the reasons a file was not indexed", () => {
  // problems.json is written by the back end (src-tauri's dto tests): every kind of reason with the
  // sentences the CLI says, which the window must say alike.
  const cases = problems as Array<{ problem: Problem; en: string; fr: string; enKept: string; frKept: string }>;

  it("covers every code and every kind of stop", () => {
    const codes = new Set(cases.map((c) => c.problem.code));
    expect(codes.size).toBe(13);
    const stops = new Set(cases.flatMap((c) => (c.problem.code === "stopped" ? [c.problem.stop.kind] : [])));
    expect(stops.size).toBe(14);
  });

  it.each(cases.map((c) => [c.problem.code === "stopped" ? `stopped/${c.problem.stop.kind}` : c.problem.code, c]))(
    "says %s as the back end does, in English and in French",
    (_, c) => {
      expect(en.problem.reason(c.problem)).toBe(c.en);
      expect(fr.problem.reason(c.problem)).toBe(c.fr);
      expect(en.problem.earlierKept(en.problem.reason(c.problem))).toBe(c.enKept);
      expect(fr.problem.earlierKept(fr.problem.reason(c.problem))).toBe(c.frKept);
    },
  );

  it("says every reason in French, with French typography", () => {
    for (const c of cases.filter((c) => c.problem.code !== "other")) {
      expect(c.fr, c.en).not.toBe(c.en);
      expect(c.fr, c.en).not.toMatch(/ [:;?!]|'s |[^\u00a0][:;?!](\s|$)/);
    }
  });
});

describe("resolveLanguage", () => {
  it.each([
    ["en", ["fr-FR"], "en"],
    ["fr", ["en-US"], "fr"],
    ["system", ["fr-FR", "en-US"], "fr"],
    ["system", ["fr"], "fr"],
    ["system", ["FR-ca"], "fr"],
    ["system", ["en-GB", "fr-FR"], "en"],
    ["system", ["de-DE", "fr-CH", "en"], "fr"],
    ["system", ["de-DE", "es"], "en"],
    ["system", [], "en"],
    ["system", ["french"], "en"],
    ["something else", ["fr-FR"], "fr"],
  ] as const)("%s with %j is %s", (choice, languages, lang) => {
    expect(resolveLanguage(choice, languages)).toBe(lang);
  });
});

describe("formatPlace", () => {
  it("says where a passage is in the order folio-core does, in each language", () => {
    const location = { heading: "Intro", page: 3, lines: [4, 9] as [number, number], ocr: true };
    expect(i18nFor("en").formatPlace(location)).toBe('"Intro", page 3, lines 4-9, OCR');
    expect(i18nFor("fr").formatPlace(location)).toBe("«\u00a0Intro\u00a0», page 3, lignes 4-9, OCR");
    expect(i18nFor("en").formatPlace({ sheet: "Q3", rows: [4, 4] })).toBe("sheet Q3, row 4");
    expect(i18nFor("fr").formatPlace({ slide: 2, paragraphs: [1, 2] })).toBe("diapositive 2, paragraphes 1-2");
    expect(i18nFor("fr").formatPlace({ message: 2, part: "body" })).toBe("message 2, corps du message");
    expect(i18nFor("fr").formatPlace({ message: 2, part: "invoice.pdf" })).toBe("message 2, invoice.pdf");
    expect(i18nFor("en").formatPlace({})).toBe("");
  });
});
