// A three-way merge of schedules.yaml by schedule name, for when two Kitchens changed the file
// (Chris adds the Monday schedule in dev while Eric removes one in production): git's line merge
// calls that a conflict, though the two changes touch different schedules.
import { parseScheduleFile, removeScheduleEntry, SCHEDULES_FILE, upsertScheduleEntry, type ScheduleEntry } from "./schedule-file";

type Side = Map<string, string>;

function byName(content: string | null): { side: Side; entries: Map<string, ScheduleEntry> } | undefined {
  const parsed = parseScheduleFile(content);
  if (parsed.errors.length) return undefined;
  const entries = new Map(parsed.entries.map((e) => [e.name, e]));
  return { side: new Map(parsed.entries.map((e) => [e.name, canonical(e)])), entries };
}

function canonical(e: ScheduleEntry): string {
  const params = Object.fromEntries(Object.entries(e.parameters).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([e.pipeline, e.cron, e.timezone, params]);
}

/**
 * `ours` is the target Kitchen's file, `theirs` the source's. Returns the merged file (ours with
 * theirs' changes applied, so its comments and order stay), or undefined when both sides changed
 * the same schedule differently, or a side cannot be parsed: a person decides then.
 */
export function mergeScheduleFiles(sides: { base: string | null; ours: string | null; theirs: string | null }): string | null | undefined {
  const [base, ours, theirs] = [sides.base, sides.ours, sides.theirs].map(byName);
  if (!base || !ours || !theirs) return undefined;
  let text = sides.ours;
  const names = new Set([...base.side.keys(), ...ours.side.keys(), ...theirs.side.keys()]);
  for (const name of names) {
    const [b, o, t] = [base.side.get(name), ours.side.get(name), theirs.side.get(name)];
    if (o === t || t === b) continue; // same on both sides, or only ours changed it
    if (o !== b) return undefined; // both changed it, differently
    const entry = theirs.entries.get(name);
    if (entry) text = upsertScheduleEntry(text, { name, pipeline: entry.pipeline, cron: entry.cron, timezone: entry.timezone, parameters: entry.parameters });
    else if (text !== null) text = removeScheduleEntry(text, name);
  }
  return text;
}

/** For AnalyticsRepo's `mergeDrivers`: every process that merges Kitchens passes these. */
export const SCHEDULE_MERGE_DRIVERS = { [SCHEDULES_FILE]: mergeScheduleFiles } as const;
