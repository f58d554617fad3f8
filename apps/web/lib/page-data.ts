import { unstable_rethrow } from "next/navigation";
import { logger } from "./deps";
import { describeError, isUnavailable } from "./responses";

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Runs a page's data loading. The database being unreachable becomes a value the page renders
 * as an error state instead of a crash; any other error (a bug) still goes to app/error.tsx,
 * and Next's redirect()/notFound() propagate.
 */
export async function load<T>(what: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    unstable_rethrow(e);
    if (!isUnavailable(e)) throw e;
    logger().error("page data unavailable", { what, error: describeError(e) });
    return { ok: false, reason: what };
  }
}
