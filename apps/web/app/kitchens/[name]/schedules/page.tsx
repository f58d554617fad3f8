import type { Metadata } from "next";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { SchedulesPanel } from "@/components/kitchens/schedules-panel";
import { Card } from "@/components/kitchens/ui";
import { Unavailable } from "@/components/unavailable";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/schedules">): Promise<Metadata> {
  return { title: `Schedules · ${(await params).name}` };
}

export default async function KitchenSchedulesPage({ params }: PageProps<"/kitchens/[name]/schedules">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  return (
    <KitchenShell data={data} tab="schedules">
      <Card title="Schedules">
        <SchedulesPanel kitchen={data.kitchen.name} />
      </Card>
    </KitchenShell>
  );
}
