import { isSessionActive, shouldTouch } from "./session-policy";
import { hashToken, isPlausibleToken } from "./tokens";
import { AUTH_USER_SELECT, nowOf, toAuthUser, type AuthDeps, type AuthUser } from "./types";

/**
 * The user behind a session cookie, or null when the session is unknown, idle too long, past
 * its absolute lifetime, or its user is disabled. Dead sessions are deleted on sight.
 */
export async function getSessionUser(deps: AuthDeps, token: string | null | undefined): Promise<AuthUser | null> {
  if (!isPlausibleToken(token)) return null;
  const now = nowOf(deps);
  const session = await deps.db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, lastSeenAt: true, expiresAt: true, user: { select: AUTH_USER_SELECT } },
  });
  if (!session) return null;
  if (!isSessionActive(session, now) || session.user.disabled) {
    await deps.db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (shouldTouch(session.lastSeenAt, now)) {
    // Conditional on the value we read: concurrent requests write once, and a session deleted
    // meanwhile (sign-out) is not resurrected.
    await deps.db.session.updateMany({ where: { id: session.id, lastSeenAt: session.lastSeenAt }, data: { lastSeenAt: now } });
  }
  return toAuthUser(session.user);
}
