import { can } from "@galley/auth/policy";
import type { Metadata } from "next";
import { CreateKitchenForm, type EnvironmentOption } from "@/components/kitchens/create-kitchen-form";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { Unavailable } from "@/components/unavailable";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { listEnvironments } from "@/lib/read-models/environments";
import { listKitchensForUser } from "@/lib/read-models/kitchens";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/new">): Promise<Metadata> {
  return { title: `New Kitchen under ${(await params).name}` };
}

export default async function NewKitchenPage({ params }: PageProps<"/kitchens/[name]/new">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const { kitchen: k, access, user } = data;
  const extra = await load("environments", async () => ({ envs: await listEnvironments(db()), kitchens: await listKitchensForUser(db(), user) }));
  if (!extra.ok) return <Unavailable what={extra.reason} />;
  const environments: EnvironmentOption[] = extra.value.envs.map((e) => ({
    name: e.name,
    kind: e.kind,
    dataPolicy: e.dataPolicy,
    refusal: can(user, "write", { type: "environment", kind: e.kind }) ? null : `${e.kind} is for production engineers`,
  }));
  return (
    <KitchenShell data={data} tab="new">
      <div className="mb-5">
        <h2 className="text-lg font-semibold text-slate-900">New Kitchen under <span className="font-mono">{k.name}</span></h2>
        <p className="text-sm text-slate-600">
          You get a git branch from {k.name}'s head, your own schema filled from {k.name}'s data (per the data policy), {k.name}'s variables and its pipelines as a head start.
        </p>
      </div>
      {access.isStaff ? (
        <CreateKitchenForm parent={k.name} parentEnvironment={k.environment} environments={environments} taken={extra.value.kitchens.map((x) => x.name)} />
      ) : (
        <p className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" role="alert">
          Only staff of <span className="font-mono">{k.name}</span> can create Kitchens under it. Ask {k.staff.filter((s) => s.isOwner).map((s) => s.name).join(" or ") || "an owner"} to add you.
        </p>
      )}
    </KitchenShell>
  );
}
