import { assertSafePath } from "@galley/git";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { pipelineErrors, type FileError } from "./pipeline-errors";

/** Editor feedback as you type: the errors the pipeline would have with this content saved. */
export async function validateKitchenFile(
  deps: Pick<KitchensDeps, "db" | "git">,
  input: { kitchen: string; path: string; content: string },
  actor: KitchenActor,
): Promise<{ errors: FileError[] }> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  return { errors: await pipelineErrors(deps.git, k.branch, assertSafePath(input.path), input.content) };
}
