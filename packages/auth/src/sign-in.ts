import { AppError } from "@galley/core";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { sessionExpiresAt } from "./session-policy";
import { isThrottled, throttleWindowStart } from "./throttle";
import { hashToken, newSessionToken } from "./tokens";
import { AUTH_USER_SELECT, nowOf, toAuthUser, type AuthDeps, type AuthUser } from "./types";

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
}

export interface SignInResult {
  token: string;
  user: AuthUser;
  expiresAt: Date;
}

// One message for unknown email, wrong password and disabled account: no account enumeration.
export const BAD_CREDENTIALS = "email or password is incorrect";

async function recentFailures(deps: AuthDeps, email: string, now: Date): Promise<number> {
  const since = throttleWindowStart(now);
  const lastSuccess = await deps.db.signInAttempt.findFirst({
    where: { email, succeeded: true, at: { gte: since } },
    orderBy: { at: "desc" },
    select: { at: true },
  });
  return deps.db.signInAttempt.count({
    where: { email, succeeded: false, at: { gte: lastSuccess && lastSuccess.at > since ? lastSuccess.at : since } },
  });
}

/**
 * Throttle, then password check, recorded as a SignInAttempt. Returns the user or throws
 * `too_many_requests` / `unauthenticated` (same message whatever was wrong).
 */
export async function verifyCredentials(deps: AuthDeps, input: SignInInput): Promise<AuthUser> {
  const email = input.email.trim().toLowerCase();
  const now = nowOf(deps);
  // Checked before the password, so a locked-out attacker learns nothing from further guesses.
  if (isThrottled(await recentFailures(deps, email, now))) {
    throw new AppError("too_many_requests", "too many failed sign-in attempts; try again in 15 minutes");
  }
  const user = await deps.db.user.findUnique({ where: { email }, select: { ...AUTH_USER_SELECT, passwordHash: true } });
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstDummy(input.password);
  const succeeded = ok && !!user && !user.disabled;
  await deps.db.signInAttempt.create({ data: { email, ip: input.ip.slice(0, 100), succeeded, at: now } });
  if (!succeeded || !user) throw new AppError("unauthenticated", BAD_CREDENTIALS);
  return toAuthUser(user);
}

/** Checks the password and opens a session. The caller puts `token` in the cookie. */
export async function signIn(deps: AuthDeps, input: SignInInput): Promise<SignInResult> {
  const user = await verifyCredentials(deps, input);
  const now = nowOf(deps);
  const token = newSessionToken();
  const expiresAt = sessionExpiresAt(now);
  await deps.db.session.create({
    data: { tokenHash: hashToken(token), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt },
  });
  return { token, user, expiresAt };
}
