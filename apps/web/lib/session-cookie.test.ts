import { describe, expect, it } from "vitest";

describe("session cookie over HTTPS", () => {
  it("is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/", async () => {
    // Configuration is parsed once per process on first use; this file's process sees HTTPS.
    process.env.GALLEY_BASE_URL = "https://galley.example.com";
    const { sessionCookie, clearedSessionCookie, sessionCookieName } = await import("./session-cookie");
    expect(sessionCookieName()).toBe("__Host-galley_session");
    const c = sessionCookie("tok", new Date(Date.now() + 3600_000));
    expect(c).toMatch(/^__Host-galley_session=tok; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=(3599|3600); Expires=/);
    expect(c).not.toMatch(/Domain=/i);
    expect(clearedSessionCookie()).toMatch(/^__Host-galley_session=; .*Secure; Max-Age=0/);
  });
});
