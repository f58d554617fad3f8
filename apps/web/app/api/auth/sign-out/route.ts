import { signOut } from "@galley/auth";
import { authDeps } from "../../../../lib/deps";
import { json } from "../../../../lib/responses";
import { route } from "../../../../lib/route";
import { clearedSessionCookie, sessionTokenFrom } from "../../../../lib/session-cookie";

// auth "none": signing out with an already expired session still clears the cookie.
export const POST = route({ auth: "none" }, async ({ req }) => {
  await signOut(authDeps(), sessionTokenFrom(req));
  return json({ ok: true }, { headers: { "set-cookie": clearedSessionCookie() } });
});
