// The window's language: each language's messages (en.ts, fr.ts) and the context through which
// components get the messages and the number, size and date forms of the language shown.
import { createContext, Fragment, useContext, useEffect, type ReactNode } from "react";
import type { Location } from "../bindings/Location";
import { formatBytes, formatDate, formatDuration, formatNumber, formatRate, formatWhen } from "../format";
import { en, type Messages } from "./en";
import { fr } from "./fr";
import type { Lang } from "./lang";

export type { Messages } from "./en";
export { resolveLanguage, systemLanguages, type Lang } from "./lang";

/** Every language's messages. */
export const catalogues: Record<Lang, Messages> = { en, fr };

/** What components use to speak the window's language: its messages and its forms of numbers and dates. */
export type I18n = {
  lang: Lang;
  t: Messages;
  formatNumber: (n: number, digits?: number) => string;
  formatBytes: (bytes: number) => string;
  formatRate: (bytesPerSec: number) => string;
  formatDuration: (secs: number) => string;
  formatDate: (date: Date) => string;
  formatWhen: (date: Date, now?: Date) => string;
  /** Where a passage sits in its file, such as "page 3, lines 4-9". */
  formatPlace: (location: Location) => string;
};

function make(lang: Lang): I18n {
  const t = catalogues[lang];
  return {
    lang,
    t,
    formatNumber: (n, digits) => formatNumber(n, lang, digits),
    formatBytes: (bytes) => formatBytes(bytes, lang),
    formatRate: (rate) => formatRate(rate, lang),
    formatDuration: (secs) => formatDuration(secs, lang),
    formatDate: (date) => formatDate(date, lang),
    formatWhen: (date, now) => formatWhen(date, lang, now),
    formatPlace: (location) => describePlace(location, t.place),
  };
}

// Made once per language, so the context's value changes only when the language does.
const byLang: Record<Lang, I18n> = { en: make("en"), fr: make("fr") };

/** The messages and forms of `lang`, for code outside React. */
export function i18nFor(lang: Lang): I18n {
  return byLang[lang];
}

/** In the same order as folio-core's Location::describe, which says it in English for the back end. */
function describePlace(l: Location, place: Messages["place"]): string {
  const parts: string[] = [];
  if (l.heading !== undefined) parts.push(place.heading(l.heading));
  if (l.page !== undefined) parts.push(place.page(l.page));
  if (l.slide !== undefined) parts.push(place.slide(l.slide));
  if (l.sheet !== undefined) parts.push(place.sheet(l.sheet));
  if (l.rows) parts.push(place.rows(l.rows));
  if (l.chapter !== undefined) parts.push(place.chapter(l.chapter));
  if (l.message !== undefined) parts.push(place.message(l.message));
  if (l.part !== undefined) parts.push(l.part === "body" ? place.body : l.part);
  if (l.paragraphs) parts.push(place.paragraphs(l.paragraphs));
  if (l.lines) parts.push(place.lines(l.lines));
  if (l.ocr) parts.push(place.ocr);
  return parts.join(", ");
}

// English until a provider says otherwise, so a component rendered alone (as in its tests) speaks English.
const I18nContext = createContext<I18n>(byLang.en);

/** Shows `children` in `lang`, and marks the document as being in it (for screen readers and hyphenation). */
export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return <I18nContext.Provider value={byLang[lang]}>{children}</I18nContext.Provider>;
}

/** The window's language: `t` holds its messages. */
export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** `template` with each {slot} replaced by `slots[slot]`: an element inside a translated sentence. */
export function fill(template: string, slots: Record<string, ReactNode>): ReactNode {
  // split with a capturing group puts the slots' names at the odd indices.
  return template.split(/\{(\w+)\}/).map((part, i) => <Fragment key={i}>{i % 2 ? slots[part] : part}</Fragment>);
}
