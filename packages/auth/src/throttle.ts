// Sign-in throttling that a stranger cannot turn into someone else's lockout (issue 7):
// - failures are counted per account AND source (email, ip), since that pair's last success;
// - past a few free failures each further guess must wait a growing delay (1 s, 2 s, 4 s ... capped
//   at MAX_DELAY_MS): a slowdown, never a lockout;
// - sources are only as honest as the X-Forwarded-For header, so an attacker may invent a fresh
//   source per guess. Unknown sources (no success for this account from there in KNOWN_SOURCE_MS)
//   therefore also share one account-wide budget with the same growing delays. A person signing in
//   from a place they used before is never slowed by guesses from elsewhere.
// Pure: sign-in.ts loads the counts under a per-account lock and asks throttleDelay.
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Failures of one (account, source) before delays start. */
export const FREE_FAILURES_PER_SOURCE = 5;
/** Failures from unknown sources, account-wide, before delays start for every unknown source. */
export const FREE_FAILURES_UNKNOWN_SOURCES = 20;
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 60 * 1000;
export const KNOWN_SOURCE_MS = 30 * 24 * 60 * 60 * 1000;
/** Kept for callers that showed the old limit. */
export const THROTTLE_MAX_FAILURES = FREE_FAILURES_PER_SOURCE;

export function throttleWindowStart(now: Date): Date {
  return new Date(now.getTime() - THROTTLE_WINDOW_MS);
}

/** The wait owed after `failures` failures with `free` free ones: 0, then 1 s, 2 s, 4 s ... up to the cap. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - free), MAX_DELAY_MS);
}

export interface ThrottleFacts {
  /** Failures of this (account, source) in the window, since its last success. */
  sourceFailures: number;
  sourceLastFailureAt: Date | null;
  /** A success for this account from this source within KNOWN_SOURCE_MS. */
  isKnownSource: boolean;
  /** Failures from sources unknown to this account, in the window. */
  unknownFailures: number;
  unknownLastFailureAt: Date | null;
}

/** Milliseconds this attempt must still wait (0: go ahead and check the password). */
export function throttleDelay(f: ThrottleFacts, now: Date): number {
  const owed = (failures: number, free: number, last: Date | null) => (last ? Math.max(0, last.getTime() + delayAfter(failures, free) - now.getTime()) : 0);
  const perSource = owed(f.sourceFailures, FREE_FAILURES_PER_SOURCE, f.sourceLastFailureAt);
  const accountWide = f.isKnownSource ? 0 : owed(f.unknownFailures, FREE_FAILURES_UNKNOWN_SOURCES, f.unknownLastFailureAt);
  return Math.max(perSource, accountWide);
}

/** Kept for compatibility: whether `recentFailures` of one source already owe a delay. */
export function isThrottled(recentFailures: number): boolean {
  return delayAfter(recentFailures, FREE_FAILURES_PER_SOURCE) > 0;
}
