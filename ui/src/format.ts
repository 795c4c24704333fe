// Human forms of the numbers and dates the back end sends, in the window's language. English is the
// default, so a caller that passes no language gets English.
import type { Lang } from "./i18n/lang";

// French puts a non-breaking space between a number and its unit, and writes bytes as octets.
const space: Record<Lang, string> = { en: " ", fr: "\u00a0" };
const byteUnits: Record<Lang, { k: string; M: string; G: string }> = {
  en: { k: "kB", M: "MB", G: "GB" },
  fr: { k: "ko", M: "Mo", G: "Go" },
};
const pluralRules: Record<Lang, Intl.PluralRules> = { en: new Intl.PluralRules("en"), fr: new Intl.PluralRules("fr") };

/** `n` with the language's separators ("12,345.5" or "12 345,5"), with exactly `digits` decimals if given. */
export function formatNumber(n: number, lang: Lang = "en", digits?: number): string {
  const fixed = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(lang, fixed).format(n);
}

/** `n` with the form of its noun the language uses for it: "1 file", "2 files"; "0 fichier", "2 fichiers". */
export function formatCount(n: number, forms: { one: string; other: string }, lang: Lang = "en"): string {
  return `${formatNumber(n, lang)} ${pluralRules[lang].select(n) === "one" ? forms.one : forms.other}`;
}

/** A transfer rate such as "3.4 MB/s" or "3,4 Mo/s" (decimal units, as file managers show sizes). */
export function formatRate(bytesPerSec: number, lang: Lang = "en"): string {
  const u = byteUnits[lang];
  if (bytesPerSec >= 1e6) return `${formatNumber(bytesPerSec / 1e6, lang, 1)}${space[lang]}${u.M}/s`;
  return `${formatNumber(Math.round(bytesPerSec / 1e3), lang)}${space[lang]}${u.k}/s`;
}

/** A size such as "512 MB" or "4.9 GB"; "512 Mo" or "4,9 Go". */
export function formatBytes(bytes: number, lang: Lang = "en"): string {
  const u = byteUnits[lang];
  if (bytes >= 1e9) return `${formatNumber(bytes / 1e9, lang, 1)}${space[lang]}${u.G}`;
  if (bytes >= 1e6) return `${formatNumber(Math.round(bytes / 1e6), lang)}${space[lang]}${u.M}`;
  return `${formatNumber(Math.round(bytes / 1e3), lang)}${space[lang]}${u.k}`;
}

/** Time left such as "45 s", "3 min 20 s" or "1 h 5 min" (the same symbols in both languages). */
export function formatDuration(secs: number, lang: Lang = "en"): string {
  const s = Math.max(0, Math.round(secs));
  const unit = (n: number, symbol: string) => `${formatNumber(n, lang)}${space[lang]}${symbol}`;
  if (s < 60) return unit(s, "s");
  if (s < 3600) return `${unit(Math.floor(s / 60), "min")} ${unit(s % 60, "s")}`;
  return `${unit(Math.floor(s / 3600), "h")} ${unit(Math.floor((s % 3600) / 60), "min")}`;
}

/** A date with its time, such as "Mar 3, 2024, 2:05 PM" or "3 mars 2024, 14:05". */
export function formatDate(date: Date, lang: Lang = "en"): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A date in a list, as short as `now` allows: the time today, the day this year, else the day and year. */
export function formatWhen(date: Date, lang: Lang = "en", now: Date = new Date()): string {
  const sameDay = date.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeStyle: "short" }
    : date.getFullYear() === now.getFullYear()
      ? { day: "numeric", month: "short" }
      : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(lang, options).format(date);
}

/** The last component of a path, for lists where the full path is too long. */
export function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
