// One place for failures the user must see: components report them, App shows the latest in the
// role="alert" banner, in the window's language.
import { createContext, useContext } from "react";
import { useI18n, type Messages } from "./i18n";

/** What was being done when something failed: a key of the messages' `failure` group. */
export type Failure = keyof Messages["failure"];

/** Reports a failure; `what` says what was being done, e.g. "openFile" ("Could not open the file"). */
export type ReportError = (what: Failure, error: unknown) => void;

export const ErrorContext = createContext<ReportError>(() => {});

/** The function that shows a failure in the banner. */
export function useReportError(): ReportError {
  return useContext(ErrorContext);
}

/** The human message of a rejected command (an ErrorDto), an Error, or anything else thrown. */
export function errorMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message;
  }
  return String(error);
}

/** The machine-readable code of an ErrorDto, if `error` is one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/** A failure as the banner keeps it: kept as keys and codes, so it follows a change of language. */
export type ShownError = { what: Failure; code: string | undefined; message: string; retrySecs?: number };

/**
 * The banner: what failed and why, in the window's language. A code the UI knows is said in that
 * language, with the back end's message (in English) after it as detail; otherwise the message is the why.
 */
export function ErrorBanner({ error, onDismiss }: { error: ShownError; onDismiss: () => void }) {
  const { t, formatDuration } = useI18n();
  const codes: Record<string, string> = t.error.code;
  const known = error.code !== undefined && Object.prototype.hasOwnProperty.call(codes, error.code) ? codes[error.code] : undefined;
  return (
    <div className="error-banner" role="alert" data-testid="error" data-code={error.code}>
      <span>
        {t.error.line(t.failure[error.what], known ?? error.message)}
        {known !== undefined && <span className="error-detail"> ({error.message})</span>}
        {error.retrySecs !== undefined && ` ${t.error.retrying(formatDuration(error.retrySecs))}`}
      </span>
      <button type="button" onClick={onDismiss}>
        {t.error.dismiss}
      </button>
    </div>
  );
}
