// Which language the window speaks: the user's choice in Settings (api.UiLanguageChoice), or the system's.
/** A language the window can be shown in. */
export type Lang = "en" | "fr";

/**
 * The language for `choice`: English or French when chosen; for "system", French when the first of the
 * system's languages (navigator.languages, most preferred first) that Folio knows is French, English
 * otherwise.
 */
export function resolveLanguage(choice: string, systemLanguages: readonly string[]): Lang {
  if (choice === "en" || choice === "fr") return choice;
  for (const tag of systemLanguages) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === "en" || base === "fr") return base;
  }
  return "en";
}

/** The system's languages, most preferred first. */
export function systemLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}
