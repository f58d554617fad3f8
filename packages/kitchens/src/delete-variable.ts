import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget } from "./kitchen-repository";
import { assertVariableName } from "./set-variable";

/** Removes the variable from the Kitchen (inherited or not); pipelines fall back to their defaults. */
export async function deleteKitchenVariable(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string; name: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<void> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const name = assertVariableName(input.name);
  await withTransaction(deps.db, async (tx) => {
    const r = await tx.kitchenVariable.deleteMany({ where: { kitchenId: k.id, name } });
    if (r.count === 0) throw new AppError("not_found", `Kitchen ${k.name} has no variable ${name}`, { field: "name" });
    await appendAudit({ actorId: actor.id, action: "kitchen.variable.delete", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, name } }, tx);
  });
}
