import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget } from "./kitchen-repository";
import { ZVariableName } from "./schemas";

export function assertVariableName(name: string): string {
  const r = ZVariableName.safeParse(name);
  if (!r.success) throw new AppError("invalid_input", `variable name ${JSON.stringify(name.slice(0, 80))}: ${r.error.issues[0].message}`, { field: "name" });
  return name;
}

/** Sets a Kitchen override (an inherited value becomes this Kitchen's own). */
export async function setKitchenVariable(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string; name: string; value: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ name: string; value: string; source: "kitchen" }> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const name = assertVariableName(input.name);
  await withTransaction(deps.db, async (tx) => {
    await tx.kitchenVariable.upsert({
      where: { kitchenId_name: { kitchenId: k.id, name } },
      create: { kitchenId: k.id, name, value: input.value, inheritedFrom: null },
      update: { value: input.value, inheritedFrom: null },
      select: { name: true },
    });
    // Values are not secrets (those live in the vault), but the audit keeps names only.
    await appendAudit({ actorId: actor.id, action: "kitchen.variable.set", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, name } }, tx);
  });
  return { name, value: input.value, source: "kitchen" };
}
