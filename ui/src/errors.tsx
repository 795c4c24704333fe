// One place for failures the user must see: components report them, App shows the latest in the
// role="alert" banner.
import { createContext, useContext } from "react";

/** Reports a failure; `what` says what was being done, e.g. "Could not open the file". */
export type ReportError = (what: string, error: unknown) => void;

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
