// Light and dark themes: the choice is kept in localStorage and shown as data-theme="light"|"dark"
// on <html>, which style.css keys its colours on. "system" follows prefers-color-scheme, live.

/** What the user picked in Settings. */
export type ThemeChoice = "system" | "light" | "dark";

const KEY = "folio.theme";
const systemDark = () => window.matchMedia("(prefers-color-scheme: dark)");

/** The saved choice; "system" when none or an unknown one is saved. */
export function savedTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

/** Shows `choice` on <html> without saving it. */
export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === "dark" || (choice === "system" && systemDark().matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** Saves and shows `choice`. */
export function setTheme(choice: ThemeChoice): void {
  localStorage.setItem(KEY, choice);
  applyTheme(choice);
}

/** Applies the saved theme and keeps following the system while the choice is "system". */
export function startTheme(): () => void {
  applyTheme(savedTheme());
  const query = systemDark();
  const onChange = () => applyTheme(savedTheme());
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}
