import { describe, expect, it } from "vitest";
import { baseName, formatBytes, formatCount, formatDate, formatDuration, formatNumber, formatRate, formatWhen } from "./format";

// French separates thousands with a narrow no-break space and puts a no-break space before units.
const nb = "\u00a0";
const thin = "\u202f";
// How ICU separates a time from AM/PM varies between versions.
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("format", () => {
  it("writes numbers with each language's separators", () => {
    expect(formatNumber(12345.5)).toBe("12,345.5");
    expect(formatNumber(12345.5, "fr")).toBe(`12${thin}345,5`);
    expect(formatNumber(2, "fr", 1)).toBe("2,0");
  });

  it("counts with each language's plural", () => {
    const file = { one: "file", other: "files" };
    const fichier = { one: "fichier", other: "fichiers" };
    expect([0, 1, 2].map((n) => formatCount(n, file))).toEqual(["0 files", "1 file", "2 files"]);
    expect([0, 1, 1.5, 2].map((n) => formatCount(n, fichier, "fr"))).toEqual(["0 fichier", "1 fichier", "1,5 fichier", "2 fichiers"]);
  });

  it.each([
    [512, "1 kB/s", `1${nb}ko/s`],
    [340_000, "340 kB/s", `340${nb}ko/s`],
    [3_400_000, "3.4 MB/s", `3,4${nb}Mo/s`],
    [25_000_000, "25.0 MB/s", `25,0${nb}Mo/s`],
  ])("rate %d is %s and %s", (rate, english, french) => {
    expect(formatRate(rate)).toBe(english);
    expect(formatRate(rate, "en")).toBe(english);
    expect(formatRate(rate, "fr")).toBe(french);
  });

  it.each([
    [20_000, "20 kB", `20${nb}ko`],
    [512_000_000, "512 MB", `512${nb}Mo`],
    [4_900_000_000, "4.9 GB", `4,9${nb}Go`],
    [2_000_000_000, "2.0 GB", `2,0${nb}Go`],
    [1_234_000_000_000, "1,234.0 GB", `1${thin}234,0${nb}Go`],
  ])("size %d is %s and %s", (bytes, english, french) => {
    expect(formatBytes(bytes)).toBe(english);
    expect(formatBytes(bytes, "fr")).toBe(french);
  });

  it.each([
    [-3, "0 s", `0${nb}s`],
    [45, "45 s", `45${nb}s`],
    [125, "2 min 5 s", `2${nb}min 5${nb}s`],
    [3900, "1 h 5 min", `1${nb}h 5${nb}min`],
  ])("duration %d is %s and %s", (secs, english, french) => {
    expect(formatDuration(secs)).toBe(english);
    expect(formatDuration(secs, "fr")).toBe(french);
  });

  it("writes dates in each language, short in lists", () => {
    const when = new Date(2024, 2, 3, 14, 5);
    expect(spaces(formatDate(when))).toBe("Mar 3, 2024, 2:05 PM");
    expect(formatDate(when, "fr")).toBe("3 mars 2024, 14:05");
    const laterThatDay = new Date(2024, 2, 3, 18, 0);
    expect(spaces(formatWhen(when, "en", laterThatDay))).toBe("2:05 PM");
    expect(formatWhen(when, "fr", laterThatDay)).toBe("14:05");
    const thatSummer = new Date(2024, 6, 1);
    expect(formatWhen(when, "en", thatSummer)).toBe("Mar 3");
    expect(formatWhen(when, "fr", thatSummer)).toBe("3 mars");
    const nextYear = new Date(2025, 0, 1);
    expect(formatWhen(when, "en", nextYear)).toBe("Mar 3, 2024");
    expect(formatWhen(when, "fr", nextYear)).toBe("3 mars 2024");
  });

  it("takes the last component of a path", () => {
    expect(baseName("/home/me/notes/comet.md")).toBe("comet.md");
    expect(baseName("C:\\Users\\me\\notes\\")).toBe("notes");
  });
});
