import { describe, expect, it } from "vitest";
import { DEMO_YAML } from "./fixtures/demo-pipeline";
import { formatPath, loadYaml } from "./yaml-source";

// The fast path (js-yaml) must read every file exactly as the reference (yaml) does.
const SAME = [
  DEMO_YAML,
  "a: 1\nb: 1.5\nc: -2\nd: 0x1F\ne: 0o17\nf: .inf\ng: -.Inf\nh: 1e3\n",
  "a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: ~\nh: null\ni:\nj: NULL\n",
  "a: '2026-11-23'\nb: 2026-11-23\nc: 12:30:00\nd: 0755\ne: +1\nf: 1_000\n",
  'a: "tab\\tnew\\nline \\u00e9"\nb: \'it\'\'s\'\nc: "{{vault.X}}"\nd: {{a}}\n',
  "a: |\n  line 1\n    indented\n  line 3\nb: >\n  folded\n  text\n\n  para\nc: |-\n  no newline\nd: |+\n  keep\n\n",
  "a: [1, [2, 3], {b: c}]\nb: {x: [y, z], 'q r': s}\nc:\n  - - nested\n    - list\n  - k: v\n    k2: v2\n",
  "key with spaces: 1\n\"quoted key\": 2\n? complex\n: value\n",
  "a: plain # comment\nb: 'not # comment'\nc: x#y\n# full line\n",
  "---\na: 1\n...\n",
  "a: !!str 123\nb: !!int '7'\n",
  "",
  "# only a comment\n",
  // Collections as keys: js-yaml would write "[object Object]" or "a"; these must go to yaml.
  "? {a: 1}\n: x\n[b]: y\n[]: z\n",
  "env: {{x}}\n",
  "<<: {a: 1}\nb: 2\n",
  "a: 1 & 2\nb: '&x'\nc: select * from t\n",
  "__proto__: {polluted: 1}\n",
  `deep: ${"[".repeat(150)}${"]".repeat(150)}\n`,
];

describe("loadYaml fast path", () => {
  it.each(SAME.map((text, i) => [i, text]))("case %i reads the same as yaml", (_, text) => {
    const fast = loadYaml("f.yaml", text as string);
    const slow = loadYaml("f.yaml", text as string, { fast: false });
    expect(fast.errors).toEqual(slow.errors);
    expect(fast.value).toEqual(slow.value);
  });

  it.each([
    ["duplicate keys", "a: 1\na: 2\n"],
    ["an unknown tag", "a: !foo 1\n"],
    ["two documents", "a: 1\n---\nb: 2\n"],
  ])("leaves %s to yaml, which reports it with a line", (_, text) => {
    const fast = loadYaml("f.yaml", text);
    expect(fast.value).toBeUndefined();
    expect(fast.errors).toEqual(loadYaml("f.yaml", text, { fast: false }).errors);
    expect(fast.errors[0].line).toBeGreaterThan(0);
  });

  it("takes the fast path for ordinary pipeline files", () => {
    expect(loadYaml("f.yaml", DEMO_YAML).reader).toBe("js-yaml");
    expect(loadYaml("f.yaml", "a: [1, {b: [c]}]\nd: 'x # y'\n").reader).toBe("js-yaml");
    // js-yaml closes a flow mapping that is a block sequence's entry twice: still the fast path.
    expect(loadYaml("f.yaml", "tests:\n  - { name: took, metric: duration }\n").reader).toBe("js-yaml");
  });

  it.each([
    ["an anchor", "a: &x 1\n"],
    ["a collection key", "[k]: v\n"],
  ])("leaves %s to yaml", (_, text) => {
    expect(loadYaml("f.yaml", text).reader).toBe("yaml");
  });

  it("expands a few aliases through yaml, and refuses alias bombs", () => {
    expect(loadYaml("f.yaml", "base: &b { x: 1 }\nuse: *b\n").value).toEqual({ base: { x: 1 }, use: { x: 1 } });
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
    expect(loadYaml("f.yaml", levels.join("\n")).errors[0].message).toMatch(/alias/i);
  });
});

describe("locator", () => {
  const text = "name: x\nnodes:\n  - id: a\n    depends_on:\n      - b\n    sql: |\n      select 1;\n      select {{bad}};\n";
  const { locator } = loadYaml("f.yaml", text);

  it("finds values, and the key line for collections", () => {
    expect(locator.locate(["nodes", 0, "depends_on", 0])).toEqual({ line: 5, column: 9 });
    expect(locator.locate(["nodes", 0, "depends_on"])).toEqual({ line: 4, column: 5 });
    expect(locator.locate(["nodes", 0, "missing"])).toEqual({ line: 3, column: 5 });
  });

  it("finds a character inside a | block", () => {
    expect(locator.locateInString(["nodes", 0, "sql"], "select 1;\nselect ".length)).toEqual({ line: 8, column: 14 });
  });

  it("formats field paths", () => {
    expect(formatPath(["nodes", 2, "depends_on", 0])).toBe("nodes[2].depends_on[0]");
    expect(formatPath(["variations", "v", "parameters", "a b"])).toBe('variations.v.parameters["a b"]');
  });
});
