import { describe, expect, it } from "vitest";
import { parseDuration, parseMemory } from "./units";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1_500],
    [" 2s ", 2_000],
  ])("%s → %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "10", "10 minutes", "5d", "-1s", "1s1", "s"])("rejects %j with the expected shape", (text) => {
    expect(() => parseDuration(text, "timeout")).toThrow(/^timeout must be a number followed by ms, s, m or h/);
  });

  it("rejects numbers, telling the unit is missing", () => {
    expect(() => parseDuration(30, "timeout")).toThrow('timeout must be a string with a unit such as "30s" or "10m" (got number 30)');
  });
});

describe("parseMemory", () => {
  it.each([
    ["256m", 256 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["512Mi", 512 * 1024 ** 2],
    ["2GB", 2 * 1024 ** 3],
    ["64k", 65_536],
    ["0.5g", 512 * 1024 ** 2],
    ["100b", 100],
  ])("%s → %d bytes", (text, bytes) => expect(parseMemory(text)).toBe(bytes));

  it.each(["256", "lots", "1 gigabyte", "-1m", "1x"])("rejects %j", (text) => {
    expect(() => parseMemory(text)).toThrow(/^memory must be a number followed by b, k, m, g or t/);
  });

  it("rejects zero and non-strings", () => {
    expect(() => parseMemory("0m")).toThrow('memory must be more than 0 bytes (got "0m")');
    expect(() => parseMemory(256)).toThrow(/must be a string with a unit/);
  });
});
