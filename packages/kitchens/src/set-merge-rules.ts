import { withTransaction, type Prisma } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget } from "./kitchen-repository";
import { effectiveMergeRules, type TMergeRules } from "./merge-rules";

/** Who may merge into the Kitchen and what a merge request needs. Owners (and admins) set them. */
export async function setMergeRules(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string; rules: TMergeRules },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<TMergeRules> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "own");
  // Owners of a production Kitchen who may not write production (an admin-added developer) still may not loosen it.
  if (k.environment.kind === "production") await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const before = effectiveMergeRules(k.mergeRules, k.environment.kind);
  await withTransaction(deps.db, async (tx) => {
    await tx.kitchen.update({ where: { id: k.id }, data: { mergeRules: input.rules as unknown as Prisma.InputJsonValue }, select: { id: true } });
    await appendAudit({ actorId: actor.id, action: "kitchen.merge_rules", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, before, after: input.rules } }, tx);
  });
  return input.rules;
}

/** The rules in force (stored, or the environment's defaults), for anyone who may see the Kitchen. */
export async function getMergeRules(deps: Pick<KitchensDeps, "db">, kitchen: string, actor: KitchenActor): Promise<TMergeRules & { stored: boolean }> {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "view");
  return { ...effectiveMergeRules(k.mergeRules, k.environment.kind), stored: k.mergeRules != null };
}
