// What jsdom lacks and the app uses, cleanup between tests (Vitest globals are off), and no silent
// React warnings: a test that makes React complain (duplicate keys, updates outside act, ...) fails.
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, expect, vi } from "vitest";

let complaints: unknown[][] = [];
const consoleError = console.error;

beforeEach(() => {
  complaints = [];
  console.error = (...args: unknown[]) => {
    complaints.push(args);
    consoleError(...args);
  };
});

afterEach(() => {
  cleanup();
  localStorage.clear();
  console.error = consoleError;
  expect(complaints.map((args) => args.map(String).join(" ")), "console.error during the test").toEqual([]);
});

Element.prototype.scrollIntoView = vi.fn();

window.matchMedia = (query: string) =>
  ({
    matches: false,
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  }) as unknown as MediaQueryList;
