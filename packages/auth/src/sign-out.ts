import { hashToken, isPlausibleToken } from "./tokens";
import type { AuthDeps } from "./types";

/** Ends the session server-side, so a copied cookie is useless afterwards. Idempotent. */
export async function signOut(deps: AuthDeps, token: string | null | undefined): Promise<void> {
  if (!isPlausibleToken(token)) return;
  const key = hashToken(token);
  deps.cache?.delete(key);
  await deps.db.session.deleteMany({ where: { tokenHash: key } });
  // Again after the delete: a lookup that read the row meanwhile must not keep it.
  deps.cache?.delete(key);
}

/** Ends every session of a user (password change, disabling, "sign out everywhere"). */
export async function signOutEverywhere(deps: AuthDeps, userId: string): Promise<number> {
  if (!userId) throw new Error("refusing mass write without a filter: sessions of user");
  const { count } = await deps.db.session.deleteMany({ where: { userId } });
  deps.cache?.clear();
  return count;
}
