import { AppError } from "@galley/core";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { sessionExpiresAt } from "./session-policy";
import { KNOWN_SOURCE_MS, throttleDelay, throttleWindowStart, type ThrottleFacts } from "./throttle";
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

type AttemptsClient = Pick<AuthDeps["db"], "signInAttempt">;

/** What the throttle rules need about this account and source (sign-in attempts in the window). */
async function throttleFacts(db: AttemptsClient, email: string, ip: string, now: Date): Promise<ThrottleFacts> {
  const since = throttleWindowStart(now);
  const [lastSourceSuccess, knownSources] = await Promise.all([
    db.signInAttempt.findFirst({ where: { email, ip, succeeded: true, at: { gte: since } }, orderBy: { at: "desc" }, select: { at: true } }),
    db.signInAttempt.findMany({ where: { email, succeeded: true, at: { gte: new Date(now.getTime() - KNOWN_SOURCE_MS) } }, distinct: ["ip"], select: { ip: true } }),
  ]);
  const known = knownSources.map((s) => s.ip);
  const sourceSince = lastSourceSuccess && lastSourceSuccess.at > since ? lastSourceSuccess.at : since;
  const [sourceFailures, sourceLast, unknownFailures, unknownLast] = await Promise.all([
    db.signInAttempt.count({ where: { email, ip, succeeded: false, at: { gte: sourceSince } } }),
    db.signInAttempt.findFirst({ where: { email, ip, succeeded: false, at: { gte: sourceSince } }, orderBy: { at: "desc" }, select: { at: true } }),
    db.signInAttempt.count({ where: { email, succeeded: false, at: { gte: since }, ip: { notIn: known } } }),
    db.signInAttempt.findFirst({ where: { email, succeeded: false, at: { gte: since }, ip: { notIn: known } }, orderBy: { at: "desc" }, select: { at: true } }),
  ]);
  return {
    sourceFailures, sourceLastFailureAt: sourceLast?.at ?? null,
    isKnownSource: known.includes(ip),
    unknownFailures, unknownLastFailureAt: unknownLast?.at ?? null,
  };
}

/**
 * Decides under a per-account lock and records the attempt as a failure before the password is
 * checked, so parallel guesses are counted one after another and none slips past the limit; a
 * correct password then turns its own row into a success.
 */
async function reserveAttempt(deps: AuthDeps, email: string, ip: string, now: Date): Promise<bigint> {
  return deps.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`galley.sign-in:${email}`}, 0))`;
    const wait = throttleDelay(await throttleFacts(tx, email, ip, now), now);
    if (wait > 0) {
      throw new AppError("too_many_requests", `too many failed sign-in attempts; try again in ${Math.ceil(wait / 1000)} seconds`, { details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
    }
    const row = await tx.signInAttempt.create({ data: { email, ip, succeeded: false, at: now }, select: { id: true } });
    return row.id;
    // Guesses queue on the lock, each holding a pooled connection: Prisma's defaults (2 s to get a
    // connection, 5 s in all) would turn a burst of parallel guesses into internal errors.
  }, { maxWait: 10_000, timeout: 15_000 });
}

/**
 * Throttle, then password check, recorded as a SignInAttempt. Returns the user or throws
 * `too_many_requests` / `unauthenticated` (same message whatever was wrong).
 */
export async function verifyCredentials(deps: AuthDeps, input: SignInInput): Promise<AuthUser> {
  const email = input.email.trim().toLowerCase();
  const ip = input.ip.slice(0, 100);
  const now = nowOf(deps);
  // Checked before the password, so a slowed-down attacker learns nothing from further guesses.
  const attemptId = await reserveAttempt(deps, email, ip, now);
  const user = await deps.db.user.findUnique({ where: { email }, select: { ...AUTH_USER_SELECT, passwordHash: true } });
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstDummy(input.password);
  const succeeded = ok && !!user && !user.disabled;
  if (succeeded) await deps.db.signInAttempt.update({ where: { id: attemptId }, data: { succeeded: true } });
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
