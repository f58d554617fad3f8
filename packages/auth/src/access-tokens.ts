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

/** The user behind a `gly_` token, or null (unknown token, disabled user). */
export async function authenticateToken(deps: AuthDeps, pat: string | null | undefined): Promise<AuthUser | null> {
  if (typeof pat !== "string" || !pat.startsWith(ACCESS_TOKEN_PREFIX) || pat.length > 200) return null;
  const row = await deps.db.accessToken.findUnique({
    where: { tokenHash: hashToken(pat) },
    select: { id: true, lastUsedAt: true, user: { select: AUTH_USER_SELECT } },
  });
  if (!row || row.user.disabled) return null;
  const now = nowOf(deps);
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await deps.db.accessToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return toAuthUser(row.user);
}

export async function revokeAccessToken(deps: AuthDeps, userId: string, tokenId: string): Promise<boolean> {
  const { count } = await deps.db.accessToken.deleteMany({ where: { id: tokenId, userId } });
  return count > 0;
}
