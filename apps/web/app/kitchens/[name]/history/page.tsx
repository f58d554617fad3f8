import type { Metadata } from "next";
import { HistoryView } from "@/components/kitchens/history-view";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { Unavailable } from "@/components/unavailable";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/history">): Promise<Metadata> {
  return { title: `History · ${(await params).name}` };
}

export default async function KitchenHistoryPage({ params, searchParams }: PageProps<"/kitchens/[name]/history">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const sha = (await searchParams).sha;
  return (
    <KitchenShell data={data} tab="history">
      <HistoryView kitchen={data.kitchen.name} canWrite={data.access.canWrite} initialSha={typeof sha === "string" && /^[0-9a-f]{40}$/.test(sha) ? sha : null} />
    </KitchenShell>
  );
}
