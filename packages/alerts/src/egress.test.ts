import { describe, expect, it } from "vitest";
import { egressPolicy, egressRefusal, literalEgressRefusal, specialAddress } from "./egress";

const strict = egressPolicy(undefined);

describe("alert egress", () => {
  it("refuses loopback, private, link-local, mapped and IPv6 special addresses; lets public ones go", () => {
    for (const a of ["127.0.0.1", "127.8.9.1", "10.1.2.3", "172.17.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"]) {
      expect(specialAddress(a), a).not.toBeNull();
    }
    for (const a of ["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) expect(specialAddress(a), a).toBeNull();
    expect(egressRefusal(strict, "hooks.example", 443, "93.184.216.34")).toBeNull();
  });

  it("says what and how to allow it", () => {
    expect(egressRefusal(strict, "metadata.internal", 80, "169.254.169.254")).toBe(
      "metadata.internal (169.254.169.254) is a link-local address (cloud metadata lives there): alerts are not delivered there unless an administrator allows it (GALLEY_ALERT_ALLOW_HOSTS)",
    );
    expect(literalEgressRefusal(strict, "http://127.0.0.1:6379/x")).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(literalEgressRefusal(strict, "http://localhost:3000/api")).toMatch(/loopback/);
    expect(literalEgressRefusal(strict, "http://[::1]:80/")).toMatch(/loopback/);
    expect(literalEgressRefusal(strict, "https://hooks.slack.com/services/T/B/X")).toBeNull();
  });

  it("an operator allows by host, host:port or subnet, and only that", () => {
    const p = egressPolicy("127.0.0.1:3999, alerts.corp, 10.20.0.0/16");
    expect(egressRefusal(p, "127.0.0.1", 3999, "127.0.0.1")).toBeNull();
    expect(egressRefusal(p, "127.0.0.1", 6379, "127.0.0.1")).toMatch(/loopback/);
    expect(egressRefusal(p, "alerts.corp", 8080, "10.9.9.9")).toBeNull();
    expect(egressRefusal(p, "other.corp", 443, "10.20.3.4")).toBeNull();
    expect(egressRefusal(p, "other.corp", 443, "10.21.3.4")).toMatch(/private/);
    expect(() => egressPolicy("10.0.0.0/x")).toThrow(/not a subnet/);
  });
});
