import { describe, expect, it } from "vitest";
import { maskVaultNames } from "./vault-name-mask";

describe("maskVaultNames", () => {
  it("masks names in templates, bare references, messages and keys, keeping everything else", () => {
    const at = new Date(0);
    const out = maskVaultNames({
      sql: "select '{{ vault.API_TOKEN }}', '{{vault.X}}'",
      errors: [{ message: 'unknown variable {{vault.NOPE}}: no secret "NOPE" in this environment\'s vault', line: 3 }],
      env: { "vault.KEY_NAME": "x", TOKEN: "***" },
      at,
      n: 1,
    });
    expect(JSON.stringify(out)).not.toMatch(/API_TOKEN|NOPE|KEY_NAME|"X"|vault\.X/);
    expect(out.sql).toBe("select '{{ vault.••• }}', '{{vault.•••}}'");
    expect(out.errors[0].line).toBe(3);
    expect(out.env.TOKEN).toBe("***");
    expect(out.at).toBe(at);
  });
});
