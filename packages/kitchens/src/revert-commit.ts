import { getKitchenForActorOrThrow } from "./access";
import { authorOf, type KitchenActor, type KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget, touchActivity } from "./kitchen-repository";

/** Undoes one commit (the last by default; a merge is undone against its first parent) with a new commit. */
export async function revertKitchenCommit(
  deps: Pick<KitchensDeps, "db" | "git">,
  input: { kitchen: string; sha?: string; expectedHead?: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ commit: string }> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const commit = await deps.git.revert(k.branch, { sha: input.sha, expectedHead: input.expectedHead, author: authorOf(actor) });
  await touchActivity([k.id], deps.db);
  await appendAudit({ actorId: actor.id, action: "kitchen.revert", target: kitchenTarget(k.id), requestId: opts.requestId, details: { reverted: input.sha ?? "head", commit } }, deps.db);
  return { commit };
}
