// KEK rotation as packages/vault/README.md documents it, one command per step:
//   pnpm galley rotate-kek add-key   step 1 (key file): a new active key on the first line
//   (restart web and worker)          step 2
//   pnpm galley rotate-kek            step 3: re-wrap every secret, re-set every Kitchen role's password
//   pnpm galley rotate-kek finish     step 4: drop the old keys once no secret uses them
// With GALLEY_KEK instead of a key file, step 1 is: GALLEY_KEK=<new>, GALLEY_KEK_OLD=<old>.
//
// Kitchen role passwords are derived from the active KEK (vault kitchenRolePassword), so a new key
// means new passwords. Step 3 sets them in every environment's warehouse (ALTER ROLE through
// ensureKitchenRole), right after the restart in step 2 made web and worker derive the new ones;
// the worker also re-ensures a role the first time it uses it under a new key, so a Kitchen
// missed here heals on its next run. We keep deriving from the KEK (rather than from a key that
// never rotates) so that rotating after a suspected leak really changes every credential.
import type { Db } from "@galley/db";
import { EnvironmentWarehouses } from "@galley/kitchens";
import { addKekToFile, kekUsage, kitchenRolePassword, loadKeyring, removeKeksFromFile, rewrapAll, type Keyring } from "@galley/vault";
import { ensureKitchenRole } from "@galley/warehouse";

export type RotateStep = "add-key" | "rewrap" | "finish";

export interface RotateKekOptions {
  db: Db;
  kek?: string;
  oldKeks?: string;
  kekFile: string;
  /** GALLEY_POOL_KEKS: pools' own keys, kept as they are (their secrets are not moved to the main key). */
  poolKeks?: string;
  step: RotateStep;
  log?: (line: string) => void;
}

export interface RotateKekResult {
  activeKekId: string;
  rewrapped?: number;
  /** Secrets per KEK id after the step. */
  usage: Record<string, number>;
  roles?: { reset: number; failed: { kitchen: string; error: string }[] };
}

export async function rotateKek(opts: RotateKekOptions): Promise<RotateKekResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  if (opts.step === "add-key") {
    if (opts.kek !== undefined) {
      throw new Error("GALLEY_KEK is set, so the key file is not used: set GALLEY_KEK to a new key (openssl rand -base64 32) and GALLEY_KEK_OLD to the current one, restart web and worker, then run `pnpm galley rotate-kek`");
    }
    const id = addKekToFile(opts.kekFile);
    log(`rotate-kek: new active key ${id} added to ${opts.kekFile} (older keys kept below it)`);
    log("rotate-kek: next: restart web and worker, then run `pnpm galley rotate-kek`");
    return { activeKekId: id, usage: await kekUsage({ db: opts.db }) };
  }
  // Pools' own keys (GALLEY_POOL_KEKS) are not rotated here: their secrets stay on them.
  const keyring = loadKeyring({ kek: opts.kek, oldKeks: opts.oldKeks, kekFile: opts.kekFile, create: false, poolKeks: opts.poolKeks });
  if (opts.step === "finish") return finish(opts, keyring, log);

  const { rewrapped, remaining } = await rewrapAll({ db: opts.db, keyring }, { onBatch: (p) => log(`rotate-kek: re-wrapped ${p.rewrapped} secrets so far`) });
  log(`rotate-kek: ${rewrapped} secrets re-wrapped with ${keyring.activeKekId}; ${remaining} still on older keys`);
  const roles = await resetKitchenRoles(opts.db, keyring, log);
  const usage = await kekUsage({ db: opts.db });
  if (roles.failed.length > 0) {
    throw Object.assign(new Error(`rotate-kek: ${roles.failed.length} Kitchen role password(s) could not be set: ${roles.failed.map((f) => `${f.kitchen} (${f.error})`).join("; ")}. Fix the warehouse and run the command again.`), { result: { activeKekId: keyring.activeKekId, rewrapped, usage, roles } });
  }
  log(remaining === 0 ? "rotate-kek: next: `pnpm galley rotate-kek finish` removes the old keys" : "rotate-kek: some secrets are still on older keys; run the command again");
  return { activeKekId: keyring.activeKekId, rewrapped, usage, roles };
}

/** Sets every live Kitchen's role password to the one derived from the active KEK. */
async function resetKitchenRoles(db: Db, keyring: Keyring, log: (l: string) => void): Promise<NonNullable<RotateKekResult["roles"]>> {
  const kitchens = await db.kitchen.findMany({ where: { deletedAt: null }, select: { name: true, schemaName: true, environmentId: true }, orderBy: { name: "asc" } });
  const warehouses = new EnvironmentWarehouses(db, { keyring: () => keyring, applicationName: "galley-rotate-kek" });
  const failed: { kitchen: string; error: string }[] = [];
  let reset = 0;
  try {
    for (const k of kitchens) {
      try {
        const { wh, kitchenRolePassword: derive } = await warehouses.forEnvironment(k.environmentId);
        // Derived with the environment's pool key (the main key for `default`).
        await ensureKitchenRole(wh, k.schemaName, { password: derive ? derive(k.schemaName) : kitchenRolePassword(keyring, k.environmentId, k.schemaName) });
        reset++;
      } catch (e) {
        failed.push({ kitchen: k.name, error: (e as Error).message });
      }
    }
  } finally {
    await warehouses.closeAll();
  }
  log(`rotate-kek: ${reset} Kitchen role password(s) set from ${keyring.activeKekId}${failed.length ? `, ${failed.length} failed` : ""}`);
  return { reset, failed };
}

async function finish(opts: RotateKekOptions, keyring: Keyring, log: (l: string) => void): Promise<RotateKekResult> {
  const usage = await kekUsage({ db: opts.db });
  const stale = Object.entries(usage).filter(([id, n]) => id !== keyring.activeKekId && n > 0);
  if (stale.length > 0) {
    throw new Error(`rotate-kek finish: ${stale.map(([id, n]) => `${n} secret(s) on ${id}`).join(", ")}; run \`pnpm galley rotate-kek\` first`);
  }
  if (opts.kek !== undefined) {
    log("rotate-kek: no secret uses an old key: remove GALLEY_KEK_OLD from the environment and restart web and worker");
  } else {
    removeKeksFromFile(opts.kekFile, [keyring.activeKekId]);
    log(`rotate-kek: ${opts.kekFile} now holds only ${keyring.activeKekId}`);
  }
  return { activeKekId: keyring.activeKekId, usage };
}
