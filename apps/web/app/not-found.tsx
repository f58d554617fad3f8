import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { currentUser } from "@/lib/current-user";

// Styled, with the header (and its navigation) when someone is signed in.
export default async function NotFound() {
  const user = await currentUser().catch(() => null);
  return (
    <>
      {user && <AppHeader user={user} />}
      <main className="mx-auto mt-24 max-w-lg px-6 text-center" data-testid="not-found">
        <h1 className="text-xl font-semibold text-slate-900">Not found</h1>
        <p className="mt-3 text-sm text-slate-600">There is nothing here, or you are not allowed to see it.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-slate-900 underline">Back to Kitchens</Link>
      </main>
    </>
  );
}
