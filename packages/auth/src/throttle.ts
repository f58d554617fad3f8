// Sign-in throttling: failures per email in a sliding window, counted since the last success.
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const THROTTLE_MAX_FAILURES = 10;

export function throttleWindowStart(now: Date): Date {
  return new Date(now.getTime() - THROTTLE_WINDOW_MS);
}

export function isThrottled(recentFailures: number): boolean {
  return recentFailures >= THROTTLE_MAX_FAILURES;
}
