// Pure session rules (OWASP ASVS 7.3.1-2): idle and absolute timeouts, touch throttling.
export const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often, so reads do not turn every request into a write. */
export const TOUCH_INTERVAL_MS = 60 * 1000;

export interface SessionTimes {
  lastSeenAt: Date;
  expiresAt: Date;
}

export function sessionExpiresAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ABSOLUTE_TIMEOUT_MS);
}

export function isSessionActive(s: SessionTimes, now: Date): boolean {
  return now < s.expiresAt && now.getTime() - s.lastSeenAt.getTime() < IDLE_TIMEOUT_MS;
}

export function shouldTouch(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= TOUCH_INTERVAL_MS;
}
