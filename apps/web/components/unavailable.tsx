export function Unavailable({ what }: { what: string }) {
  return (
    <main className="mx-auto mt-24 max-w-lg px-6 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Galley cannot reach its database</h1>
      <p className="mt-3 text-sm text-slate-600">
        Loading {what} failed. Your work is safe; this page will work again once the database is back. Check{" "}
        <a href="/api/health" className="font-medium text-slate-900 underline">/api/health</a> for details.
      </p>
      <a href="" className="mt-6 inline-block rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
        Try again
      </a>
    </main>
  );
}
