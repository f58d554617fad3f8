import { isSessionActive, shouldTouch } from "./session-policy";
import { hashToken, isPlausibleToken } from "./tokens";
import { AUTH_USER_SELECT, nowOf, toAuthUser, type AuthDeps, type AuthUser } from "./types";

/**
 * The user behind a session cookie, or null when the session is unknown, idle too long, past
 * its absolute lifetime, or its user is disabled. Dead sessions are deleted on sight.
 * With `deps.cache`, a lookup is reused for up to its TTL (see auth-cache.ts); the timeouts are
 * still checked on every call against the cached times.
 */
export async function getSessionUser(deps: AuthDeps, token: string | null | undefined): Promise<AuthUser | null> {
  if (!isPlausibleToken(token)) return null;
  const now = nowOf(deps);
  const key = hashToken(token);
  const cached = deps.cache?.get(key);
  if (cached?.kind === "session") {
    if (!isSessionActive({ lastSeenAt: cached.lastSeenAt!, expiresAt: cached.expiresAt! }, now)) {
      deps.cache!.delete(key);
    } else if (!shouldTouch(cached.lastSeenAt!, now)) {
      return cached.user;
    } else {
      // Time to touch, once (concurrent requests see the new time at once): the conditional
      // write doubles as a check that the session still exists.
      const seen = cached.lastSeenAt!;
      cached.lastSeenAt = now;
      const { count } = await deps.db.session.updateMany({ where: { id: cached.id, lastSeenAt: seen }, data: { lastSeenAt: now } });
      if (count === 1) return cached.user;
      deps.cache!.delete(key);
    }
  }
  return deps.cache ? deps.cache.once(key, () => lookUp(deps, key, now)) : lookUp(deps, key, now);
}

async function lookUp(deps: AuthDeps, tokenHash: string, now: Date): Promise<AuthUser | null> {
  const generation = deps.cache?.generation ?? 0;
  const session = await deps.db.session.findUnique({
    where: { tokenHash },
    select: { id: true, lastSeenAt: true, expiresAt: true, user: { select: AUTH_USER_SELECT } },
  });
  if (!session) return null;
  if (!isSessionActive(session, now) || session.user.disabled) {
    await deps.db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  let lastSeenAt = session.lastSeenAt;
  if (shouldTouch(session.lastSeenAt, now)) {
    // Conditional on the value we read: concurrent requests write once, and a session deleted
    // meanwhile (sign-out) is not resurrected.
    const { count } = await deps.db.session.updateMany({ where: { id: session.id, lastSeenAt: session.lastSeenAt }, data: { lastSeenAt: now } });
    if (count === 1) lastSeenAt = now;
  }
  const user = toAuthUser(session.user);
  deps.cache?.set(tokenHash, { kind: "session", id: session.id, user, lastSeenAt, expiresAt: session.expiresAt }, generation);
  return user;
}
