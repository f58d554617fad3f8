import { AppError } from "@galley/core";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** One commit with its per-file patches (a merge against its first parent). */
export async function getKitchenCommit(deps: Pick<KitchensDeps, "db" | "git">, input: { kitchen: string; sha: string }, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  // Only commits of this Kitchen's history: the repository also holds private Kitchens' branches.
  // One answer for "elsewhere" and "nowhere", so the route cannot be used to probe for object ids.
  if (!(await deps.git.isReachableFrom(input.sha, k.branch))) {
    throw new AppError("not_found", `Commit ${input.sha} is not in the history of Kitchen ${k.name}`, { field: "sha" });
  }
  const c = await deps.git.showCommit(input.sha);
  const { files, ...commit } = c;
  return { commit, files: files.map((f) => ({ path: f.path, status: f.status, patch: f.patch, ...(f.truncated ? { truncated: true } : {}) })) };
}
