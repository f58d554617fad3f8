import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** One commit with its per-file patches (a merge against its first parent). */
export async function getKitchenCommit(deps: Pick<KitchensDeps, "db" | "git">, input: { kitchen: string; sha: string }, actor: KitchenActor) {
  await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  // Any commit of the repository may be shown: every signed-in user can fetch the whole repository anyway.
  const c = await deps.git.showCommit(input.sha);
  const { files, ...commit } = c;
  return { commit, files: files.map((f) => ({ path: f.path, status: f.status, patch: f.patch, ...(f.truncated ? { truncated: true } : {}) })) };
}
