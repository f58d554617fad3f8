import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** Newest commits first on the Kitchen's branch (optionally of one path). */
export async function kitchenHistory(deps: Pick<KitchensDeps, "db" | "git">, input: { kitchen: string; limit?: number; path?: string }, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  const commits = await deps.git.log(k.branch, { limit: input.limit ?? 50, path: input.path });
  return { commits: commits.map((c) => ({ sha: c.sha, parents: c.parents, author: c.author, email: c.email, date: c.date, message: c.message })) };
}
