import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import {
  authenticateBasic,
  authenticateToken,
  BAD_CREDENTIALS,
  createAccessToken,
  getSessionUser,
  hashPassword,
  hashToken,
  signIn,
  signOut,
  signOutEverywhere,
  createAuthCache,
  revokeAccessToken,
  AUTH_CACHE_TTL_MS,
} from "./index";
import type { AuthDeps, Role } from "./types";

let t: TestDatabase;
let deps: AuthDeps;
const PASSWORD = "kitchen-sink-42";
let passwordHash: string;

beforeAll(async () => {
  t = await createTestDatabase();
  deps = { db: t.db };
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(() => t?.drop());

async function seedUser(role: Role = "developer", disabled = false) {
  const email = `${uniq("u")}@galley.test`;
  return t.db.user.create({ data: { email, name: email, role, passwordHash, disabled } });
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected a rejection");
}

describe("signIn", () => {
  it("opens a session whose token is stored only as a sha256 digest", async () => {
    const u = await seedUser();
    const r = await signIn(deps, { email: u.email.toUpperCase(), password: PASSWORD, ip: "127.0.0.1" });
    expect(r.user).toEqual({ id: u.id, email: u.email, name: u.name, role: "developer" });
    const rows = await t.db.session.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashToken(r.token));
    expect(rows[0].tokenHash).not.toContain(r.token);
    expect(r.expiresAt.getTime() - rows[0].createdAt.getTime()).toBe(7 * 24 * 3600 * 1000);
  });

  it("gives the same answer for an unknown email, a wrong password and a disabled user", async () => {
    const u = await seedUser();
    const off = await seedUser("developer", true);
    const errors = await Promise.all([
      errorOf(signIn(deps, { email: `${uniq("nobody")}@galley.test`, password: PASSWORD, ip: "ip" })),
      errorOf(signIn(deps, { email: u.email, password: "wrong-password", ip: "ip" })),
      errorOf(signIn(deps, { email: off.email, password: PASSWORD, ip: "ip" })),
    ]);
    for (const e of errors) expect([e.code, e.message]).toEqual(["unauthenticated", BAD_CREDENTIALS]);
    expect(await t.db.signInAttempt.count({ where: { email: u.email, succeeded: false } })).toBe(1);
  });

  it("slows one account and source down with growing delays, without checking the password meanwhile", async () => {
    const u = await seedUser();
    let now = new Date("2026-12-01T10:00:00Z");
    const clock: AuthDeps = { db: t.db, now: () => now };
    for (let i = 0; i < 5; i++) expect((await errorOf(signIn(clock, { email: u.email, password: `wrong-${i}`, ip: "10.0.0.9" }))).code).toBe("unauthenticated");
    // The sixth guess owes 1 s; even the right password is not looked at before then.
    const e = await errorOf(signIn(clock, { email: u.email, password: PASSWORD, ip: "10.0.0.9" }));
    expect(e).toMatchObject({ code: "too_many_requests", message: expect.stringContaining("try again in 1 seconds") });
    now = new Date(now.getTime() + 1000);
    expect((await errorOf(signIn(clock, { email: u.email, password: "wrong-6", ip: "10.0.0.9" }))).code).toBe("unauthenticated");
    now = new Date(now.getTime() + 1000);
    expect((await errorOf(signIn(clock, { email: u.email, password: PASSWORD, ip: "10.0.0.9" }))).message).toContain("try again in 1 seconds");
    now = new Date(now.getTime() + 1000); // 2 s after the 7th failure
    await expect(signIn(clock, { email: u.email, password: PASSWORD, ip: "10.0.0.9" })).resolves.toBeTruthy();
    // Delays never grow past a minute: a slowdown, not a lockout.
    for (let i = 0; i < 20; i++) {
      await errorOf(signIn(clock, { email: u.email, password: "nope-nope", ip: "10.0.0.9" }));
      now = new Date(now.getTime() + 61_000);
    }
    await expect(signIn(clock, { email: u.email, password: PASSWORD, ip: "10.0.0.9" })).resolves.toBeTruthy();
  });

  it("a stranger cannot lock someone else out: guesses from other sources do not slow a known source", async () => {
    const u = await seedUser();
    const now = new Date("2026-12-01T11:00:00Z");
    const clock: AuthDeps = { db: t.db, now: () => now };
    await signIn({ db: t.db, now: () => new Date(now.getTime() - 3600_000) }, { email: u.email, password: PASSWORD, ip: "192.0.2.10" });
    // 40 guesses, from one source and from invented ones (X-Forwarded-For is the client's to write).
    for (let i = 0; i < 10; i++) await errorOf(signIn(clock, { email: u.email, password: "guess", ip: "198.51.100.7" }));
    for (let i = 0; i < 30; i++) await errorOf(signIn(clock, { email: u.email, password: "guess", ip: `203.0.113.${i}` }));
    // The owner, from where they signed in before, gets in at once.
    await expect(signIn(clock, { email: u.email, password: PASSWORD, ip: "192.0.2.10" })).resolves.toBeTruthy();
    // Invented sources share one account-wide budget, so inventing sources does not buy guesses.
    const fresh = await errorOf(signIn(clock, { email: u.email, password: PASSWORD, ip: "203.0.113.200" }));
    expect(fresh.code).toBe("too_many_requests");
    // ...and the owner from a new place waits at most a minute.
    const later = { db: t.db, now: () => new Date(now.getTime() + 60_000) };
    await expect(signIn(later, { email: u.email, password: PASSWORD, ip: "203.0.113.201" })).resolves.toBeTruthy();
  });

  it("counts parallel guesses atomically: exactly the free failures reach the password check", async () => {
    const u = await seedUser();
    const now = new Date("2026-12-01T12:00:00Z");
    const clock: AuthDeps = { db: t.db, now: () => now };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => errorOf(signIn(clock, { email: u.email, password: `par-${i}`, ip: "10.1.1.1" }))));
    expect(results.filter((r) => r.code === "unauthenticated")).toHaveLength(5);
    expect(results.filter((r) => r.code === "too_many_requests")).toHaveLength(25);
    expect(await t.db.signInAttempt.count({ where: { email: u.email } })).toBe(5);
  });

  it("a success resets the failure count of its source", async () => {
    const u = await seedUser();
    let now = new Date("2026-12-01T13:00:00Z");
    const clock: AuthDeps = { db: t.db, now: () => now };
    for (let i = 0; i < 4; i++) await errorOf(signIn(clock, { email: u.email, password: "nope-nope", ip: "ip" }));
    now = new Date(now.getTime() + 1);
    await signIn(clock, { email: u.email, password: PASSWORD, ip: "ip" });
    now = new Date(now.getTime() + 1);
    for (let i = 0; i < 4; i++) expect((await errorOf(signIn(clock, { email: u.email, password: "nope-nope", ip: "ip" }))).code).toBe("unauthenticated");
    await expect(signIn(clock, { email: u.email, password: PASSWORD, ip: "ip" })).resolves.toBeTruthy();
  });
});

describe("sessions", () => {
  async function session() {
    const u = await seedUser();
    const r = await signIn(deps, { email: u.email, password: PASSWORD, ip: "ip" });
    return { u, token: r.token, row: () => t.db.session.findUnique({ where: { tokenHash: hashToken(r.token) } }) };
  }

  it("resolves the user, and not after sign-out (cookie replay)", async () => {
    const s = await session();
    expect((await getSessionUser(deps, s.token))?.id).toBe(s.u.id);
    await signOut(deps, s.token);
    expect(await getSessionUser(deps, s.token)).toBeNull();
    await expect(signOut(deps, s.token)).resolves.toBeUndefined();
  });

  it("rejects unknown and garbage tokens", async () => {
    expect(await getSessionUser(deps, "A".repeat(43))).toBeNull();
    expect(await getSessionUser(deps, "' OR 1=1 --")).toBeNull();
    expect(await getSessionUser(deps, undefined)).toBeNull();
  });

  it("idles out after 12 hours and deletes the row", async () => {
    const s = await session();
    await t.db.session.updateMany({ where: { userId: s.u.id }, data: { lastSeenAt: new Date(Date.now() - 12 * 3600 * 1000 - 1000) } });
    expect(await getSessionUser(deps, s.token)).toBeNull();
    expect(await s.row()).toBeNull();
  });

  it("ends at the absolute expiry even when active", async () => {
    const s = await session();
    await t.db.session.updateMany({ where: { userId: s.u.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getSessionUser(deps, s.token)).toBeNull();
  });

  it("a disabled user's sessions stop working", async () => {
    const s = await session();
    await t.db.user.update({ where: { id: s.u.id }, data: { disabled: true } });
    expect(await getSessionUser(deps, s.token)).toBeNull();
  });

  it("updates lastSeenAt at most once a minute", async () => {
    const s = await session();
    const before = (await s.row())!.lastSeenAt;
    await getSessionUser(deps, s.token);
    expect((await s.row())!.lastSeenAt).toEqual(before);
    const later = new Date(before.getTime() + 61_000);
    await getSessionUser({ ...deps, now: () => later }, s.token);
    expect((await s.row())!.lastSeenAt).toEqual(later);
  });

  it("signOutEverywhere ends every session of the user", async () => {
    const s = await session();
    const second = await signIn(deps, { email: s.u.email, password: PASSWORD, ip: "ip" });
    expect(await signOutEverywhere(deps, s.u.id)).toBe(2);
    expect(await getSessionUser(deps, second.token)).toBeNull();
  });
});

describe("personal access tokens and Basic auth", () => {
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

  it("authenticates a gly_ token, stored hashed, until the user is disabled", async () => {
    const u = await seedUser("dataops");
    const { token } = await createAccessToken(deps, u.id, "laptop git");
    expect(token).toMatch(/^gly_/);
    expect(await t.db.accessToken.count({ where: { tokenHash: token } })).toBe(0);
    expect((await authenticateToken(deps, token))?.role).toBe("dataops");
    expect(await authenticateToken(deps, token.slice(0, -1) + "x")).toBeNull();
    await t.db.user.update({ where: { id: u.id }, data: { disabled: true } });
    expect(await authenticateToken(deps, token)).toBeNull();
  });

  it("accepts email:pat and email:password, and nothing else", async () => {
    const u = await seedUser();
    const other = await seedUser();
    const { token } = await createAccessToken(deps, u.id, "git");
    expect((await authenticateBasic(deps, basic(u.email, token), "ip"))?.id).toBe(u.id);
    expect((await authenticateBasic(deps, basic(u.email, PASSWORD), "ip"))?.id).toBe(u.id);
    expect(await authenticateBasic(deps, basic(other.email, token), "ip")).toBeNull();
    expect(await authenticateBasic(deps, basic(u.email, "wrong-password"), "ip")).toBeNull();
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0);
  });
});

describe("with the web process's cache of lookups", () => {
  /** A cache on a clock the test moves; auth's own clock stays the wall clock. */
  function cached() {
    let t0 = 0;
    const cache = createAuthCache({ now: () => t0 });
    return { deps: { ...deps, cache } as AuthDeps, cache, advance: (ms: number) => (t0 += ms) };
  }
  async function session(d: AuthDeps) {
    const u = await seedUser();
    const r = await signIn(d, { email: u.email, password: PASSWORD, ip: "ip" });
    return { u, token: r.token };
  }

  it("answers a known session without the database until the TTL, then sees it was revoked elsewhere", async () => {
    const c = cached();
    const s = await session(c.deps);
    expect((await getSessionUser(c.deps, s.token))?.id).toBe(s.u.id);
    // Revoked by another process whose notification this one did not get: a direct delete.
    await t.db.session.deleteMany({ where: { userId: s.u.id } });
    expect((await getSessionUser(c.deps, s.token))?.id).toBe(s.u.id);
    c.advance(AUTH_CACHE_TTL_MS);
    expect(await getSessionUser(c.deps, s.token)).toBeNull();
  });

  it("refuses at once after sign-out in this process", async () => {
    const c = cached();
    const s = await session(c.deps);
    expect(await getSessionUser(c.deps, s.token)).not.toBeNull();
    await signOut(c.deps, s.token);
    expect(await getSessionUser(c.deps, s.token)).toBeNull();
  });

  it("refuses at once after the cache is cleared (what NOTIFY galley_auth does), e.g. for a disabled user", async () => {
    const c = cached();
    const s = await session(c.deps);
    expect(await getSessionUser(c.deps, s.token)).not.toBeNull();
    await t.db.user.update({ where: { id: s.u.id }, data: { disabled: true } });
    c.cache.clear();
    expect(await getSessionUser(c.deps, s.token)).toBeNull();
  });

  it("still ends an idle session on time from the cached times, and touches it once a minute", async () => {
    const c = cached();
    const s = await session(c.deps);
    expect(await getSessionUser(c.deps, s.token)).not.toBeNull();
    const row = () => t.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(s.token) } });
    const later = new Date((await row()).lastSeenAt.getTime() + 61_000);
    expect(await getSessionUser({ ...c.deps, now: () => later }, s.token)).not.toBeNull();
    expect((await row()).lastSeenAt).toEqual(later);
    const idle = new Date(later.getTime() + 12 * 3600 * 1000 + 1000);
    expect(await getSessionUser({ ...c.deps, now: () => idle }, s.token)).toBeNull();
  });

  it("a touch finds a session deleted meanwhile and refuses it before the TTL", async () => {
    const c = cached();
    const s = await session(c.deps);
    expect(await getSessionUser(c.deps, s.token)).not.toBeNull();
    await t.db.session.deleteMany({ where: { userId: s.u.id } });
    const later = new Date(Date.now() + 61_000);
    expect(await getSessionUser({ ...c.deps, now: () => later }, s.token)).toBeNull();
  });

  it("refuses a revoked access token at once in this process, and elsewhere after the TTL", async () => {
    const c = cached();
    const u = await seedUser("dataops");
    const first = await createAccessToken(c.deps, u.id, "one");
    const second = await createAccessToken(c.deps, u.id, "two");
    expect((await authenticateToken(c.deps, first.token))?.id).toBe(u.id);
    expect((await authenticateToken(c.deps, second.token))?.id).toBe(u.id);
    expect(await revokeAccessToken(c.deps, u.id, first.id)).toBe(true);
    expect(await authenticateToken(c.deps, first.token)).toBeNull();
    expect((await authenticateToken(c.deps, second.token))?.id).toBe(u.id);
    await t.db.accessToken.deleteMany({ where: { id: second.id } });
    expect(await authenticateToken(c.deps, second.token)).not.toBeNull();
    c.advance(AUTH_CACHE_TTL_MS);
    expect(await authenticateToken(c.deps, second.token)).toBeNull();
  });
});
