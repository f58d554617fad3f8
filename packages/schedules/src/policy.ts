// Who may switch a schedule on or off: composed from the one environment table (@galley/auth
// `enable_schedule`) and the Kitchen rules (@galley/kitchens: staff who may write it). Pure.
import { can, type Actor } from "@galley/auth/policy";
import { kitchenDenial, type KitchenFacts } from "@galley/kitchens/policy";

export function scheduleSwitchDenial(actor: Actor, k: KitchenFacts): { code: "not_found" | "forbidden"; message: string } | null {
  const seen = kitchenDenial(actor, k, "view");
  if (seen) return seen;
  if (!can(actor, "enable_schedule", { type: "environment", kind: k.environmentKind })) {
    return {
      code: "forbidden",
      message:
        k.environmentKind === "production"
          ? `only production engineers (or admins) may enable or disable schedules in Kitchen ${k.name}, which is in a production environment; you are a ${actor.role}`
          : `your role (${actor.role}) may not enable or disable schedules in the ${k.environmentKind} environment`,
    };
  }
  return kitchenDenial(actor, k, "write");
}
