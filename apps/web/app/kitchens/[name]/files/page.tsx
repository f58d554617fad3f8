import type { Metadata } from "next";
import { FilesWorkspace } from "@/components/kitchens/files-workspace";
import { KitchenShell, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { Unavailable } from "@/components/unavailable";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/files">): Promise<Metadata> {
  return { title: `Files · ${(await params).name}` };
}

export default async function KitchenFilesPage({ params, searchParams }: PageProps<"/kitchens/[name]/files">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const path = (await searchParams).path;
  return (
    <KitchenShell data={data} tab="files" wide>
      <FilesWorkspace kitchen={data.kitchen.name} canWrite={data.access.canWrite} initialPath={typeof path === "string" && path ? path : null} />
    </KitchenShell>
  );
}
