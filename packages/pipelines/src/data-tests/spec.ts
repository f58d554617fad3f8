// The `tests:` items of a node in pipeline.yaml: name, metric, check, level. Validated with the
// rest of the file, so every mistake is reported with its file, line and field.
import { z } from "zod";
import { CheckSyntaxError, parseCheck, withTemplatesAsNumbers } from "./check";

export const TEST_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TABLE_RE = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const COLUMN_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const OUTPUT_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** Built-in data tests: their value is the number of failing rows, and they come with examples. */
export const ROW_TESTS = ["unique", "not_null", "accepted_values", "relationships", "expression"] as const;
/** Metrics: one number each, judged by the test's check. */
export const METRICS = ["row_count", "null_ratio", "distinct_count", "min", "max", "avg", "freshness", "sql", "output", "duration"] as const;
export const TEST_KINDS = [...ROW_TESTS, ...METRICS] as const;
export type TestKind = (typeof TEST_KINDS)[number];
export type RowTestKind = (typeof ROW_TESTS)[number];

const ZTable = z.string().regex(TABLE_RE, "must be a table name, or schema.table (letters, digits and _; no quotes or templates)");
const ZColumn = z.string().regex(COLUMN_RE, "must be a column name (letters, digits and _; no quotes or templates)");
const ZWhere = z.string().min(1, "must not be empty").optional();
const ZColumnMetric = z.strictObject({ table: ZTable, column: ZColumn, where: ZWhere });
const ZValue = z.union([z.string(), z.number(), z.boolean()], { error: "must be text, a number or true/false" });

// Written as a string, a metric that needs only a table or nothing: `row_count: orders`, `metric: duration`.
const tableShorthand = (v: unknown) => (typeof v === "string" ? { table: v } : v);

export const ZMetric = z.preprocess(
  (v, ctx) => {
    if (v === "duration") return { duration: {} };
    // Counted before the object is checked, so `{ rows: t }` gets one message (unknown field), not two.
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) ctx.addIssue({ code: "custom", message: `must name one metric: ${TEST_KINDS.join(", ")}`, input: v });
      if (keys.length > 1) ctx.addIssue({ code: "custom", message: `must name exactly one metric (got ${keys.join(", ")})`, input: v });
    }
    return v;
  },
  z.strictObject(
      {
        unique: z.strictObject({ table: ZTable, column: z.union([ZColumn, z.array(ZColumn).min(1)], { error: "must be a column name or a list of them" }), where: ZWhere }).optional(),
        not_null: ZColumnMetric.optional(),
        accepted_values: z.strictObject({ table: ZTable, column: ZColumn, values: z.array(ZValue).min(1), where: ZWhere }).optional(),
        relationships: z.strictObject({ table: ZTable, column: ZColumn, to: ZTable, field: ZColumn, where: ZWhere }).optional(),
        expression: z.strictObject({ table: ZTable, expression: z.string().min(1, "must not be empty"), where: ZWhere }).optional(),
        row_count: z.preprocess(tableShorthand, z.strictObject({ table: ZTable, where: ZWhere })).optional(),
        null_ratio: ZColumnMetric.optional(),
        distinct_count: ZColumnMetric.optional(),
        min: ZColumnMetric.optional(),
        max: ZColumnMetric.optional(),
        avg: ZColumnMetric.optional(),
        freshness: ZColumnMetric.optional(),
        sql: z.string().min(1, "must not be empty").optional(),
        output: z.string().regex(OUTPUT_RE, "must be a key of the node's outputs, e.g. revenue or totals.eu").optional(),
        duration: z.union([z.strictObject({}), z.null()]).optional(),
      },
      {
        error: (iss) =>
          iss.code === "invalid_type"
            ? `must be a mapping with one metric, e.g. { row_count: orders } or { not_null: { table: orders, column: id } }, or "duration" (got ${typeof iss.input === "string" ? JSON.stringify(iss.input) : Array.isArray(iss.input) ? "a list" : typeof iss.input})`
            : undefined,
      },
    ),
);

export const ZTest = z
  .strictObject({
    name: z.string().regex(TEST_NAME_RE, "must be 1 to 63 letters, digits or underscores, not starting with a digit"),
    description: z.string().optional(),
    metric: ZMetric,
    check: z.union([z.string().min(1, "must not be empty"), z.number()], { error: 'must be text such as "> 0"' }).transform(String).optional(),
    level: z.enum(["log", "warn", "fail"], { error: 'must be "log", "warn" or "fail"' }),
  })
  .superRefine((t, ctx) => {
    const kind = testKind(t.metric);
    if (t.check !== undefined) {
      try {
        parseCheck(withTemplatesAsNumbers(t.check));
      } catch (e) {
        if (!(e instanceof CheckSyntaxError)) throw e;
        ctx.addIssue({ code: "custom", path: ["check"], message: `check "${t.check}": ${e.message} (at character ${e.index + 1})` });
      }
    } else if (kind && !isRowTest(kind) && t.level !== "log") {
      ctx.addIssue({ code: "custom", path: ["check"], message: `a ${t.level} test on the ${kind} metric needs a check, e.g. "> 0", "between 1 and 10", "change within 20%" or "control"` });
    }
  });

export type TMetric = z.infer<typeof ZMetric>;
export type TTest = z.infer<typeof ZTest>;

export function isRowTest(kind: TestKind): kind is RowTestKind {
  return (ROW_TESTS as readonly string[]).includes(kind);
}

/** The one metric key of a validated metric. */
export function testKind(metric: unknown): TestKind | undefined {
  if (!metric || typeof metric !== "object") return undefined;
  return (Object.keys(metric) as TestKind[]).find((k) => (TEST_KINDS as readonly string[]).includes(k) && (metric as Record<string, unknown>)[k] !== undefined);
}
