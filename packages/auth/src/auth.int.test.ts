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

  it("throttles after 10 failures in 15 minutes without checking the password", async () => {
    const u = await seedUser();
    for (let i = 0; i < 10; i++) await errorOf(signIn(deps, { email: u.email, password: `wrong-${i}`, ip: "10.0.0.9" }));
    const e = await errorOf(signIn(deps, { email: u.email, password: PASSWORD, ip: "10.0.0.9" }));
    expect(e.code).toBe("too_many_requests");
    // Failures older than the window no longer count.
    await t.db.signInAttempt.updateMany({ where: { email: u.email }, data: { at: new Date(Date.now() - 16 * 60 * 1000) } });
    await expect(signIn(deps, { email: u.email, password: PASSWORD, ip: "10.0.0.9" })).resolves.toBeTruthy();
  });

  it("a success resets the failure count", async () => {
    const u = await seedUser();
    for (let i = 0; i < 9; i++) await errorOf(signIn(deps, { email: u.email, password: "nope-nope", ip: "ip" }));
    await signIn(deps, { email: u.email, password: PASSWORD, ip: "ip" });
    await errorOf(signIn(deps, { email: u.email, password: "nope-nope", ip: "ip" }));
    await expect(signIn(deps, { email: u.email, password: PASSWORD, ip: "ip" })).resolves.toBeTruthy();
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
