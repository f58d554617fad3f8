import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget } from "./kitchen-repository";
import type { TPatchKitchenInput } from "./schemas";

/** The description: a setting kept out of git. */
export async function updateKitchen(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string } & TPatchKitchenInput,
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<void> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const data = { description: input.description };
  await withTransaction(deps.db, async (tx) => {
    await tx.kitchen.update({ where: { id: k.id }, data, select: { id: true } });
    await appendAudit({ actorId: actor.id, action: "kitchen.update", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, fields: Object.keys(data) } }, tx);
  });
}
