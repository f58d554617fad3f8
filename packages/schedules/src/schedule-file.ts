// schedules.yaml at the root of a Kitchen's branch: the definitions, so they move with merges.
// Pure: parse (each entry checked on its own, a bad one does not hide the others) and edit.
import { parseDocument, isMap, isSeq, YAMLMap, YAMLSeq } from "yaml";
import { z } from "zod";
import { cronProblem, timeZoneProblem } from "./cron";

export const SCHEDULES_FILE = "schedules.yaml";

const ZName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be 1 to 63 characters: a lowercase letter, then lowercase letters, digits or underscores");
const ZParamValue = z.union([z.string(), z.number(), z.boolean()], { error: "parameter values are strings, numbers or booleans" });

export const ZScheduleInput = z
  .object({
    name: ZName,
    pipeline: ZName,
    cron: z.string().trim().min(1, "the cron rule is empty").max(120),
    timezone: z.string().trim().min(1, "the time zone is empty").max(64).default("UTC"),
    parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "parameter names are letters, digits or _"), ZParamValue).default({}),
  })
  .strict();
export type TScheduleInput = z.infer<typeof ZScheduleInput>;

export interface ScheduleEntry {
  name: string;
  pipeline: string;
  cron: string;
  timezone: string;
  parameters: Record<string, string | number | boolean>;
  /** Why the entry cannot fire (bad cron or zone); the entry is still listed. */
  problem: string | null;
}

export interface ParsedScheduleFile {
  entries: ScheduleEntry[];
  /** Problems of the file itself or of entries too broken to list (no name). */
  errors: string[];
}

/** Checks cron and zone of a well-formed entry; null when it can fire. */
export function entryProblem(e: Pick<ScheduleEntry, "cron" | "timezone">): string | null {
  return timeZoneProblem(e.timezone) ?? cronProblem(e.cron, e.timezone);
}

export function parseScheduleFile(content: string | null): ParsedScheduleFile {
  if (content === null || content.trim() === "") return { entries: [], errors: [] };
  const doc = parseDocument(content);
  if (doc.errors.length) return { entries: [], errors: [`${SCHEDULES_FILE}: ${doc.errors[0].message}`] };
  const data = doc.toJS() as unknown;
  const list = (data as { schedules?: unknown } | null)?.schedules;
  if (data === null || typeof data !== "object" || (list !== undefined && !Array.isArray(list))) {
    return { entries: [], errors: [`${SCHEDULES_FILE}: expected "schedules:" followed by a list of schedules`] };
  }
  const entries: ScheduleEntry[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  (list ?? []).forEach((raw: unknown, i: number) => {
    const r = ZScheduleInput.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      const name = (raw as { name?: unknown })?.name;
      const where = `${SCHEDULES_FILE}: schedules[${i}]${typeof name === "string" ? ` (${name})` : ""}.${issue.path.join(".")}`;
      errors.push(`${where}: ${issue.message}`);
      return;
    }
    if (seen.has(r.data.name)) return void errors.push(`${SCHEDULES_FILE}: schedule ${r.data.name} is defined twice`);
    seen.add(r.data.name);
    entries.push({ ...r.data, problem: entryProblem(r.data) });
  });
  return { entries, errors };
}

/** The file with `entry` added or replaced (by name); comments and other entries are kept. */
export function upsertScheduleEntry(content: string | null, entry: TScheduleInput): string {
  const doc = parseDocument(content && content.trim() ? content : "schedules: []\n");
  if (doc.errors.length) throw new Error(`${SCHEDULES_FILE} cannot be parsed: ${doc.errors[0].message}`);
  let seq = doc.get("schedules");
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set("schedules", seq);
  }
  const items = (seq as YAMLSeq).items;
  const node = doc.createNode({
    name: entry.name,
    pipeline: entry.pipeline,
    cron: entry.cron,
    timezone: entry.timezone,
    ...(Object.keys(entry.parameters).length ? { parameters: entry.parameters } : {}),
  }) as YAMLMap;
  const at = items.findIndex((it) => isMap(it) && it.get("name") === entry.name);
  if (at >= 0) items[at] = node;
  else items.push(node);
  (seq as YAMLSeq).flow = false;
  return doc.toString();
}

/** The file without the entry called `name`. */
export function removeScheduleEntry(content: string, name: string): string {
  const doc = parseDocument(content);
  const seq = doc.get("schedules");
  if (!isSeq(seq)) return content;
  seq.items = seq.items.filter((it) => !(isMap(it) && it.get("name") === name));
  return doc.toString();
}
