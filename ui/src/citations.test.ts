import { describe, expect, it } from "vitest";
import { hasMarkers, splitMarkers } from "./citations";

describe("splitMarkers", () => {
  it("splits single, grouped and adjacent markers", () => {
    expect(splitMarkers("A [1], B [1, 2] and C [1][2].")).toEqual([
      { text: "A " },
      { marker: 1 },
      { text: ", B " },
      { marker: 1 },
      { marker: 2 },
      { text: " and C " },
      { marker: 1 },
      { marker: 2 },
      { text: "." },
    ]);
  });

  it("leaves brackets that are not markers as text", () => {
    expect(splitMarkers("see [a] or [ ] or [1,,2]")).toEqual([{ text: "see [a] or [ ] or [1,,2]" }]);
    expect(hasMarkers("see [a]")).toBe(false);
    expect(hasMarkers("see [3]")).toBe(true);
  });
});
