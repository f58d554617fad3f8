import { unstable_rethrow } from "next/navigation";
import { logger } from "./deps";

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Runs a page's data loading; an infrastructure failure (database down) becomes a value the page
 * renders as an error state instead of a crash. Next's redirect()/notFound() still propagate.
 */
export async function load<T>(what: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    unstable_rethrow(e);
    logger().error("page data failed", { what, error: e });
    return { ok: false, reason: what };
  }
}
