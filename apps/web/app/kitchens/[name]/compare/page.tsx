import type { Metadata } from "next";
import { CompareView } from "@/components/kitchens/compare-view";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { Empty } from "@/components/kitchens/ui";
import { Unavailable } from "@/components/unavailable";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/compare">): Promise<Metadata> {
  return { title: `Compare · ${(await params).name}` };
}

export default async function KitchenComparePage({ params }: PageProps<"/kitchens/[name]/compare">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const k = data.kitchen;
  return (
    <KitchenShell data={data} tab="compare">
      {k.parent ? <CompareView kitchen={k.name} parent={k.parent} /> : <Empty>{k.name} is the root of the tree: there is no parent to compare with.</Empty>}
    </KitchenShell>
  );
}
