// Server side of every Kitchen tab: session, the Kitchen (read model), what the viewer may do,
// and the frame (header, title, tabs). Tabs' data comes from the documented API in the browser.
import type { AuthUser } from "@galley/auth";
import { kitchenAccess, type KitchenAccess } from "@galley/kitchens/policy";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge, Tag } from "@/components/badges";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { findKitchenForUser, type TKitchenDetail } from "@/lib/read-models/kitchens";
import { kitchenHref } from "./paths";

// Kitchen names are identifiers; anything else cannot exist, so it never reaches the database.
const KITCHEN_NAME = /^[a-z][a-z0-9_]{1,62}$/;

export type KitchenPageData =
  | { ok: false; what: string }
  | { ok: true; user: AuthUser; kitchen: TKitchenDetail; access: KitchenAccess };

/** The signed-in user and the Kitchen they may see; 404 when it does not exist or is hidden from them. */
export async function loadKitchenPage(name: string): Promise<KitchenPageData> {
  const session = await load("your session", requireUser);
  if (!session.ok) return { ok: false, what: session.reason };
  const user = session.value;
  if (!KITCHEN_NAME.test(name)) notFound();
  const found = await load("this Kitchen", () => findKitchenForUser(db(), user, name));
  if (!found.ok) return { ok: false, what: found.reason };
  // Missing and not-allowed look the same, so private Kitchen names do not leak.
  const kitchen = found.value ?? notFound();
  const access = kitchenAccess(user, {
    name: kitchen.name,
    isPrivate: kitchen.isPrivate,
    environmentKind: kitchen.environmentKind,
    staff: kitchen.staff.map((s) => ({ userId: s.id, isOwner: s.isOwner })),
    reviewers: kitchen.reviewers,
  });
  return { ok: true, user, kitchen, access };
}

export type KitchenTab = "overview" | "files" | "history" | "compare" | "merge" | "schedules" | "settings" | "new";

const TABS: { tab: KitchenTab | "pipelines" | "runs"; label: string; path: string }[] = [
  { tab: "overview", label: "Overview", path: "" },
  { tab: "files", label: "Files", path: "/files" },
  { tab: "pipelines", label: "Pipelines", path: "/pipelines" },
  { tab: "runs", label: "Runs", path: "/runs" },
  { tab: "history", label: "History", path: "/history" },
  { tab: "compare", label: "Compare", path: "/compare" },
  { tab: "merge", label: "Merge", path: "/merge" },
  { tab: "schedules", label: "Schedules", path: "/schedules" },
  { tab: "settings", label: "Settings", path: "/settings" },
];

export { kitchenHref };

/** Tabs that show the Kitchen's content need `read` (staff or admin); Merge previews only need to see it. */
const NEEDS_READ: KitchenTab[] = ["files", "history", "compare", "schedules", "settings"];

export function KitchenShell({
  data,
  tab,
  wide = false,
  children,
}: {
  data: Extract<KitchenPageData, { ok: true }>;
  tab: KitchenTab;
  wide?: boolean;
  children: React.ReactNode;
}) {
  const { user, kitchen: k, access } = data;
  const width = wide ? "max-w-[96rem]" : "max-w-6xl";
  return (
    <>
      <AppHeader user={user} wide={wide} />
      <div className="border-b border-slate-200 bg-white">
        <div className={`mx-auto ${width} px-6 pt-5`}>
          <nav className="mb-2 text-sm text-slate-500" aria-label="Breadcrumb">
            <Link href="/" className="hover:underline">Kitchens</Link> / <span className="font-mono text-slate-900">{k.name}</span>
          </nav>
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="font-mono text-2xl font-semibold text-slate-900">{k.name}</h1>
            <EnvironmentBadge name={k.environment} kind={k.environmentKind} />
            <Tag>{k.isPrivate ? "private" : "shared"}</Tag>
            <Tag>{k.isPersistent ? "persistent" : "temporary"}</Tag>
            {k.status !== "active" && <Tag>{k.status}</Tag>}
            <div className="ml-auto flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <span>branch <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{k.branch}</code></span>
              <span>schema <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{k.schema}</code></span>
            </div>
          </div>
          {k.description && <p className="mt-1.5 text-sm text-slate-600">{k.description}</p>}
          <nav className="-mb-px mt-4 flex gap-1 overflow-x-auto" aria-label="Kitchen sections">
            {TABS.map((t) => {
              const active = t.tab === tab;
              return (
                <Link
                  key={t.tab}
                  href={kitchenHref(k.name, t.path)}
                  aria-current={active ? "page" : undefined}
                  className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
                    active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800"
                  }`}
                >
                  {t.label}
                </Link>
              );
            })}
          </nav>
        </div>
      </div>
      <main className={`mx-auto ${width} px-6 py-6`}>
        {NEEDS_READ.includes(tab) && !access.canRead ? <NotStaff kitchen={k} /> : children}
      </main>
    </>
  );
}

function NotStaff({ kitchen }: { kitchen: TKitchenDetail }) {
  const owners = kitchen.staff.filter((s) => s.isOwner).map((s) => s.name);
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" role="alert">
      You can see that <span className="font-mono">{kitchen.name}</span> exists, but only its staff can open this section.
      {owners.length > 0 && <> Ask {owners.join(" or ")} to add you.</>}
    </div>
  );
}
