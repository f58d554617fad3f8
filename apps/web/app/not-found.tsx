import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto mt-24 max-w-lg px-6 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Not found</h1>
      <p className="mt-3 text-sm text-slate-600">There is nothing here, or you are not allowed to see it.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-slate-900 underline">Back to Kitchens</Link>
    </main>
  );
}
