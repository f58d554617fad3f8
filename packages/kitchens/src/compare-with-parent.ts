import { AppError } from "@galley/core";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { findLiveById } from "./kitchen-repository";

/** What the Kitchen has that its parent lacks (ahead) and the reverse (behind), with the Kitchen's changes as patches. */
export async function compareWithParent(deps: Pick<KitchensDeps, "db" | "git">, kitchen: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "read");
  const parent = k.parentId ? await findLiveById(k.parentId, deps.db) : null;
  if (!parent) throw new AppError("invalid_input", `${k.name} is the root Kitchen: there is no parent to compare with`, { field: "kitchen" });
  const c = await deps.git.compare(parent.branch, k.branch);
  return { parent: parent.name, ahead: c.ahead, behind: c.behind, mergeBase: c.mergeBase, files: c.files, diff: c.diff };
}
