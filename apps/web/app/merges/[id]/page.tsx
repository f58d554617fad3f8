import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { MergeResolver } from "@/components/kitchens/merge-resolver";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { load } from "@/lib/page-data";

export const metadata: Metadata = { title: "Resolve merge" };

// Merge ids are UUIDs; anything else cannot exist.
const MERGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function MergePage({ params }: PageProps<"/merges/[id]">) {
  const { id } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  if (!MERGE_ID.test(id)) notFound();
  return (
    <>
      <AppHeader user={session.value} wide />
      <main className="mx-auto max-w-[96rem] px-6 py-3">
        <MergeResolver id={id} />
      </main>
    </>
  );
}
