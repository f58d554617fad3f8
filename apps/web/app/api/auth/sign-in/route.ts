import { signIn, ZAuthUser, ZSignInInput } from "@galley/auth";
import { authDeps } from "../../../../lib/deps";
import { json } from "../../../../lib/responses";
import { route } from "../../../../lib/route";
import { sessionCookie } from "../../../../lib/session-cookie";

export const POST = route({ auth: "none", body: ZSignInInput }, async ({ body, ip }) => {
  const { token, user, expiresAt } = await signIn(authDeps(), { ...body, ip });
  return json({ user: ZAuthUser.parse(user) }, { headers: { "set-cookie": sessionCookie(token, expiresAt) } });
});
