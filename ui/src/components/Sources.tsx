import type { CitationDto } from "../bindings/CitationDto";
import type { PassageDto } from "../bindings/PassageDto";
import { baseName } from "../format";
import { useI18n } from "../i18n";

type Props = { citations: CitationDto[]; onOpen: (passage: PassageDto) => void };

/** The passages an answer cites: file, place in it, and the quoted text (untrusted, shown as text). */
export function Sources({ citations, onOpen }: Props) {
  const { t, formatPlace } = useI18n();
  if (!citations.length) return null;
  return (
    <section className="sources" aria-labelledby="sources-title">
      <h2 id="sources-title">{t.answer.sources}</h2>
      <ol>
        {citations.map((c) => {
          const place = formatPlace(c.passage.location);
          // The whole item opens the preview on click; the button is its keyboard path (its click bubbles here).
          return (
            <li key={c.marker} data-testid="source" onClick={() => onOpen(c.passage)}>
              <button type="button" className="source-head" title={c.passage.path}>
                <span className="marker">[{c.marker}]</span> {baseName(c.passage.path)}
                {place && <span className="muted"> — {place}</span>}
              </button>
              <blockquote>{c.passage.text}</blockquote>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
