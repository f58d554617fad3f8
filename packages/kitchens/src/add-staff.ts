import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget } from "./kitchen-repository";

/** Adds a person to the Kitchen's staff (owners and admins). Adding someone already there changes nothing. */
export async function addKitchenStaff(
  deps: Pick<KitchensDeps, "db">,
  input: { kitchen: string; email: string; isOwner?: boolean },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ staff: { id: string; name: string; email: string; isOwner: boolean }; added: boolean }> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "own");
  const email = input.email.trim().toLowerCase();
  const user = await deps.db.user.findUnique({ where: { email }, select: { id: true, name: true, email: true, disabled: true } });
  if (!user || user.disabled) throw new AppError("invalid_input", `no active Galley user has the email ${email}`, { field: "email" });
  const existing = k.staff.find((s) => s.userId === user.id);
  if (existing) return { staff: { id: user.id, name: user.name, email: user.email, isOwner: existing.isOwner }, added: false };
  const isOwner = input.isOwner === true;
  await withTransaction(deps.db, async (tx) => {
    await tx.kitchenStaff.upsert({ where: { kitchenId_userId: { kitchenId: k.id, userId: user.id } }, create: { kitchenId: k.id, userId: user.id, isOwner }, update: {}, select: { userId: true } });
    await appendAudit({ actorId: actor.id, action: "kitchen.staff.add", target: kitchenTarget(k.id), requestId: opts.requestId, details: { kitchen: k.name, userId: user.id, email, isOwner } }, tx);
  });
  return { staff: { id: user.id, name: user.name, email: user.email, isOwner }, added: true };
}
