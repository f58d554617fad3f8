import { notFound, redirect } from "next/navigation";

// The Kitchen's Runs tab is the run history filtered to it (one page, one set of filters).
export default async function KitchenRunsPage({ params }: PageProps<"/kitchens/[name]/runs">) {
  const { name } = await params;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) notFound();
  redirect(`/runs?kitchen=${encodeURIComponent(name)}`);
}
