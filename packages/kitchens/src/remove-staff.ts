import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget, lockLiveKitchen } from "./kitchen-repository";

/** Removes a person from the staff (owners and admins). The last owner cannot be removed. */
export async function removeKitchenStaff(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string; userId: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<void> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "own");
  await withTransaction(deps.db, async (tx) => {
    // Row lock: two owners removing each other at once cannot leave the Kitchen without an owner.
    if (!(await lockLiveKitchen(tx, k.id, "update"))) throw new AppError("not_found", `Kitchen ${k.name} does not exist`, { field: "kitchen" });
    const staff = await tx.kitchenStaff.findMany({ where: { kitchenId: k.id }, select: { userId: true, isOwner: true } });
    const member = staff.find((s) => s.userId === input.userId);
    if (!member) throw new AppError("not_found", `that person is not on the staff of Kitchen ${k.name}`, { field: "userId" });
    if (member.isOwner && staff.filter((s) => s.isOwner).length === 1) {
      throw new AppError("conflict", `the last owner of Kitchen ${k.name} cannot be removed; make someone else an owner first`, { field: "userId" });
    }
    await tx.kitchenStaff.delete({ where: { kitchenId_userId: { kitchenId: k.id, userId: input.userId } }, select: { userId: true } });
    await appendAudit({ actorId: actor.id, action: "kitchen.staff.remove", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, userId: input.userId } }, tx);
  });
}
