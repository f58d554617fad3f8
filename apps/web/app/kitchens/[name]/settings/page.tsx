import type { Metadata } from "next";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { DeleteKitchen, GeneralSettings, StaffSettings } from "@/components/kitchens/settings-panels";
import { Card } from "@/components/kitchens/ui";
import { VariablesPanel } from "@/components/kitchens/variables-panel";
import { AlertRoutesPanel } from "@/components/kitchens/alert-routes-panel";
import { Unavailable } from "@/components/unavailable";
import { MergeRulesForm } from "@/components/merge-requests/merge-rules-form";
import { getMergeRules } from "@galley/kitchens";
import { kitchensDeps } from "@/lib/kitchens-deps";
import { load } from "@/lib/page-data";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/settings">): Promise<Metadata> {
  return { title: `Settings · ${(await params).name}` };
}

export default async function KitchenSettingsPage({ params }: PageProps<"/kitchens/[name]/settings">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const { kitchen: k, access, user } = data;
  const blocked = !k.parent
    ? `${k.name} is the root of the tree and cannot be deleted.`
    : k.environmentKind === "production"
      ? "Kitchens in a production environment are never deleted from here."
      : k.children.length > 0
        ? `${k.name} has children (${k.children.join(", ")}): delete or move them first.`
        : !access.canManage
          ? "Only the Kitchen's owners (or an admin) can delete it."
          : null;
  const rules = await load("the merge rules", async () => getMergeRules(await kitchensDeps(), k.name, user));
  return (
    <KitchenShell data={data} tab="settings">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="General">
          <GeneralSettings kitchen={k.name} description={k.description} canWrite={access.canWrite} />
        </Card>
        <Card title="Staff">
          <StaffSettings kitchen={k.name} canManage={access.canManage} currentUserId={user.id} />
        </Card>
        <Card title="Alert routes" id="alerts" className="lg:col-span-2">
          <AlertRoutesPanel kitchen={k.name} canWrite={access.canWrite} />
        </Card>
        <Card title="Variables" className="lg:col-span-2">
          <p className="mb-3 text-xs text-slate-500">
            Pipelines read these as {"{{NAME}}"}. Inherited values were copied from the parent when the Kitchen was created; setting one here overrides it for this Kitchen only.
          </p>
          <VariablesPanel kitchen={k.name} editable={access.canWrite} />
        </Card>
        <Card title="Merge rules" className="lg:col-span-2">
          {rules.ok ? <MergeRulesForm kitchen={k.name} initial={rules.value} editable={access.canManage} /> : <Unavailable what={rules.reason} />}
        </Card>
        <Card title="Delete this Kitchen" className="border-rose-200 lg:col-span-2">
          <DeleteKitchen kitchen={k.name} blocked={blocked} />
        </Card>
      </div>
    </KitchenShell>
  );
}
