// Page-side access: a Kitchen or run the user may not know of is a 404 page; one they may know of
// but not read says why (the API answers the same with 404 and 403).
import { isAppError } from "@galley/core";
import Link from "next/link";
import { notFound } from "next/navigation";

export type Guarded<T> = { ok: true; value: T } | { ok: false; message: string };

export async function guard<T>(fn: () => Promise<T>): Promise<Guarded<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    if (isAppError(e) && e.code === "forbidden") return { ok: false, message: e.message };
    throw e;
  }
}

export function Denied({ message }: { message: string }) {
  return (
    <main className="mx-auto mt-24 max-w-lg px-6 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Not for you (yet)</h1>
      <p className="mt-3 text-sm text-slate-600">{message}</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-slate-900 underline">Back to Kitchens</Link>
    </main>
  );
}
