import { useLayoutEffect, useRef } from "react";
import { hasMarkers, splitMarkers } from "../citations";
import { useI18n } from "../i18n";
import { chipClass, type OnCite } from "./MarkedText";

function chipElement(marker: number): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = chipClass;
  b.dataset.testid = "citation";
  b.dataset.marker = String(marker);
  b.textContent = String(marker);
  return b;
}

/**
 * The finished answer's HTML. This is the app's only raw HTML: the back end renders the Markdown
 * and sanitises it with an allow-list (src-tauri/src/render.rs), and the CSP forbids inline script.
 * Markers become chips by replacing text nodes in the rendered DOM, so no HTML string is ever
 * assembled here; markers inside code are left as written.
 */
export function AnswerHtml({ html, onCite }: { html: string; onCite: OnCite }) {
  const ref = useRef<HTMLDivElement>(null);
  const label = useI18n().t.answer.source;

  // Runs again when the language changes: markers already made chips are not found again, and every
  // chip is labelled afresh.
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    const found: Text[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n as Text;
      if (hasMarkers(text.data) && !text.parentElement?.closest("code, pre")) found.push(text);
    }
    for (const text of found) {
      const parts = splitMarkers(text.data).map((s) => ("marker" in s ? chipElement(s.marker) : s.text));
      text.replaceWith(...parts);
    }
    for (const chip of root.querySelectorAll<HTMLElement>("button[data-marker]")) {
      chip.setAttribute("aria-label", label(Number(chip.dataset.marker)));
    }
  }, [html, label]);

  // The chips are not React elements, so their clicks are handled here as they bubble up.
  const onClick = (e: React.MouseEvent) => {
    const chip = (e.target as Element).closest<HTMLElement>("button[data-marker]");
    if (chip && ref.current?.contains(chip)) onCite(Number(chip.dataset.marker));
  };

  return <div ref={ref} className="answer-html" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
