import { AppError } from "@galley/core";
import { ACCESS_TOKEN_PREFIX, hashToken, newAccessToken } from "./tokens";
import { AUTH_USER_SELECT, nowOf, toAuthUser, type AuthDeps, type AuthUser } from "./types";

const TOUCH_INTERVAL_MS = 60_000;

/** Creates a personal access token; the plain value is returned once and never stored. */
export async function createAccessToken(deps: AuthDeps, userId: string, name: string): Promise<{ id: string; token: string }> {
  const label = name.trim();
  if (!label || label.length > 100) throw new AppError("invalid_input", "token name must be 1 to 100 characters", { field: "name" });
  const token = newAccessToken();
  const row = await deps.db.accessToken.create({ data: { userId, name: label, tokenHash: hashToken(token) }, select: { id: true } });
  return { id: row.id, token };
}

/**
 * The user behind a `gly_` token, or null (unknown token, disabled user). With `deps.cache`, a
 * lookup is reused for up to its TTL (see auth-cache.ts).
 */
export async function authenticateToken(deps: AuthDeps, pat: string | null | undefined): Promise<AuthUser | null> {
  if (typeof pat !== "string" || !pat.startsWith(ACCESS_TOKEN_PREFIX) || pat.length > 200) return null;
  const key = hashToken(pat);
  const now = nowOf(deps);
  const cached = deps.cache?.get(key);
  if (cached?.kind === "token") {
    if (cached.lastSeenAt && now.getTime() - cached.lastSeenAt.getTime() < TOUCH_INTERVAL_MS) return cached.user;
    // Time to record its use, once (concurrent requests see the new time at once): the write
    // doubles as a check that the token still exists.
    cached.lastSeenAt = now;
    const { count } = await deps.db.accessToken.updateMany({ where: { id: cached.id }, data: { lastUsedAt: now } });
    if (count === 1) return cached.user;
    deps.cache!.delete(key);
  }
  return deps.cache ? deps.cache.once(key, () => lookUpToken(deps, key, now)) : lookUpToken(deps, key, now);
}

async function lookUpToken(deps: AuthDeps, key: string, now: Date): Promise<AuthUser | null> {
  const generation = deps.cache?.generation ?? 0;
  const row = await deps.db.accessToken.findUnique({
    where: { tokenHash: key },
    select: { id: true, lastUsedAt: true, user: { select: AUTH_USER_SELECT } },
  });
  if (!row || row.user.disabled) return null;
  let lastUsedAt = row.lastUsedAt;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await deps.db.accessToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
    lastUsedAt = now;
  }
  const user = toAuthUser(row.user);
  deps.cache?.set(key, { kind: "token", id: row.id, user, lastSeenAt: lastUsedAt, expiresAt: null }, generation);
  return user;
}

export async function revokeAccessToken(deps: AuthDeps, userId: string, tokenId: string): Promise<boolean> {
  const { count } = await deps.db.accessToken.deleteMany({ where: { id: tokenId, userId } });
  // Other processes hear of it from NOTIFY galley_auth; this one forgets every lookup now (the
  // cache is keyed by token hash, which the id does not give).
  if (count > 0) deps.cache?.clear();
  return count > 0;
}
