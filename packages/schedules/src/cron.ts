// Cron rules and time zones: pure (croner computes occurrences with Intl's zone data, no I/O).
import { Cron } from "croner";

/** The shortest allowed interval between two ticks: seconds-level rules are for tests and demos. */
export const MIN_INTERVAL_MS = 1_000;

/** Null when the zone exists (IANA name, e.g. Europe/Berlin), else a message naming it. */
export function timeZoneProblem(tz: string): string | null {
  if (!tz || tz.length > 64) return "the time zone is empty or too long";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return null;
  } catch {
    return `time zone "${tz}" does not exist: use an IANA name such as Europe/Berlin, America/New_York or UTC`;
  }
}

/** Null when the rule is valid and ever fires; else a message that says what is wrong with it. */
export function cronProblem(cron: string, tz = "UTC"): string | null {
  const rule = cron.trim();
  if (!rule) return "the cron rule is empty";
  if (rule.length > 120) return "the cron rule is longer than 120 characters";
  let job: Cron;
  try {
    job = new Cron(rule, { timezone: tz, paused: true });
  } catch (e) {
    const why = (e as Error).message.replace(/^CronPattern: /, "");
    return `cron rule "${rule}" is not valid: ${why} (five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * 1" for Mondays at 06:00; an optional sixth field in front for seconds)`;
  }
  if (!job.nextRun(new Date())) return `cron rule "${rule}" never fires (e.g. 31 February)`;
  return null;
}

/** The next `n` ticks strictly after `after`, in `tz`. Throws on a rule cronProblem would refuse. */
export function nextTicks(cron: string, tz: string, after: Date, n: number): Date[] {
  const job = new Cron(cron.trim(), { timezone: tz, paused: true });
  return job.nextRuns(n, after);
}

export function nextTick(cron: string, tz: string, after: Date): Date | null {
  return nextTicks(cron, tz, after, 1)[0] ?? null;
}
