// Demo only (pnpm db:seed): alert routes of production and dev to the local receiver that
// scripts/demo.sh starts (scripts/alert-receiver.ts), and schedules: production's nightly
// orders_daily enabled by Eric, dev's hourly smoke_test enabled by Chris. Idempotent.
import { createAlertRoute, egressPolicy } from "@galley/alerts";
import type { Db } from "@galley/db";
import { AnalyticsRepo } from "@galley/git";
import { gitScheduleSource, setScheduleEnabled, syncKitchenSchedules, upsertScheduleEntry, SCHEDULES_FILE } from "@galley/schedules";
import type { Keyring } from "@galley/vault";

export const DEMO_RECEIVER_URL = "http://127.0.0.1:3999";

const SCHEDULES = {
  production: { name: "orders_nightly", pipeline: "orders_daily", cron: "0 6 * * *", timezone: "Europe/Berlin", parameters: {} },
  dev: { name: "smoke_hourly", pipeline: "smoke_test", cron: "0 * * * *", timezone: "UTC", parameters: {} },
} as const;

export async function seedDemoAlerts(db: Db, repoDir: string, keyring: Keyring, receiverUrl = DEMO_RECEIVER_URL): Promise<void> {
  const repo = await AnalyticsRepo.open(repoDir);
  const actor = async (email: string) => {
    const u = await db.user.findUniqueOrThrow({ where: { email } });
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  };
  const eric = await actor("eric@galley.local");
  const chris = await actor("chris@galley.local");
  // The receiver runs on this machine: the demo allows exactly its host and port (demo.sh exports the same).
  const deps = { db, keyring, smtpConfigured: true, egress: egressPolicy(new URL(receiverUrl).host) };
  for (const [kitchen, who, kind] of [["production", eric, "slack"], ["dev", chris, "webhook"]] as const) {
    const k = await db.kitchen.findFirstOrThrow({ where: { name: kitchen, deletedAt: null } });
    if (!(await db.alertRoute.findFirst({ where: { kitchenId: k.id, name: "demo-receiver" } }))) {
      await createAlertRoute(deps, kitchen, { kind, name: "demo-receiver", url: `${receiverUrl}/${kitchen}`, events: ["run.started", "run.succeeded", "run.failed", "run.recovered", "test.warned", "test.failed", "run.overdue", "schedule.missed"] }, who);
    }
    if (kitchen === "production" && !(await db.alertRoute.findFirst({ where: { kitchenId: k.id, name: "oncall-email" } }))) {
      await createAlertRoute(deps, kitchen, { kind: "email", name: "oncall-email", to: ["oncall@galley.local"], events: ["run.failed", "test.failed", "schedule.missed"] }, who);
    }
    // The definition goes on the branch (a commit), the switch into PostgreSQL.
    const entry = SCHEDULES[kitchen];
    const source = gitScheduleSource(repo);
    const before = await source.readText(await repo.headOf(k.branch), SCHEDULES_FILE);
    const after = upsertScheduleEntry(before, entry);
    if (after !== before) {
      await repo.commitFiles(k.branch, { changes: [{ path: SCHEDULES_FILE, content: after }], message: `Add schedule ${entry.name}`, author: { name: who.name, email: who.email } });
    }
    await syncKitchenSchedules({ db, source }, k, { force: true });
    const s = await db.schedule.findUniqueOrThrow({ where: { kitchenId_name: { kitchenId: k.id, name: entry.name } } });
    if (!s.enabled) await setScheduleEnabled({ db }, kitchen, entry.name, true, who);
  }
}
