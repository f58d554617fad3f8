// Session lookup for pages (server components). Route handlers use lib/route.ts instead.
import { getSessionUser, type AuthUser } from "@galley/auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authDeps } from "./deps";
import { sessionCookieName } from "./session-cookie";

/** The signed-in user or null; memoised per render so layout and page share one lookup. */
export const currentUser = cache(async (): Promise<AuthUser | null> => {
  const token = (await cookies()).get(sessionCookieName())?.value;
  return getSessionUser(authDeps(), token);
});

/** For pages that need a user: anyone else goes to /sign-in. */
export async function requireUser(): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}
