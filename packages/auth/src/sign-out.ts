import { hashToken, isPlausibleToken } from "./tokens";
import type { AuthDeps } from "./types";

/** Ends the session server-side, so a copied cookie is useless afterwards. Idempotent. */
export async function signOut(deps: AuthDeps, token: string | null | undefined): Promise<void> {
  if (!isPlausibleToken(token)) return;
  await deps.db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** Ends every session of a user (password change, disabling, "sign out everywhere"). */
export async function signOutEverywhere(deps: AuthDeps, userId: string): Promise<number> {
  if (!userId) throw new Error("refusing mass write without a filter: sessions of user");
  const { count } = await deps.db.session.deleteMany({ where: { userId } });
  return count;
}
