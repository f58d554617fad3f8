import { assertSafePath } from "@galley/git";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** One file's text (binary files come back flagged, without content); symlinks and huge blobs are refused. */
export async function readKitchenFile(deps: Pick<KitchensDeps, "db" | "git">, input: { kitchen: string; path: string }, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  const path = assertSafePath(input.path);
  const head = await deps.git.headOf(k.branch);
  const f = await deps.git.readFile(k.branch, path);
  return { path, content: f.content, isBinary: f.isBinary, size: f.size, head };
}
