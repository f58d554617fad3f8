import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** The files on the Kitchen's branch, at the head returned with them. */
export async function listKitchenFiles(deps: Pick<KitchensDeps, "db" | "git">, kitchen: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "read");
  // Head first: the list is at least as new as the head the editor will send back as expectedHead.
  const head = await deps.git.headOf(k.branch);
  const files = await deps.git.listFiles(k.branch);
  return { head, files: files.filter((f) => f.mode !== "160000").map((f) => ({ path: f.path, size: f.size, ...(f.mode === "120000" ? { isSymlink: true } : {}) })) };
}
