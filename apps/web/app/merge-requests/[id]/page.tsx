import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { MergeRequestPage } from "@/components/merge-requests/request-page";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { load } from "@/lib/page-data";

export const metadata: Metadata = { title: "Merge request" };

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function Page({ params }: PageProps<"/merge-requests/[id]">) {
  const { id } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  if (!REQUEST_ID.test(id)) notFound();
  return (
    <>
      <AppHeader user={session.value} />
      <main className="mx-auto max-w-6xl px-6 py-6">
        <MergeRequestPage id={id} />
      </main>
    </>
  );
}
