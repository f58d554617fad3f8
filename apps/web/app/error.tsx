"use client";

// Last-resort error page: the message stays generic (details are in the server log under the digest).
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto mt-24 max-w-lg px-6 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-3 text-sm text-slate-600">
        Galley could not show this page.{error.digest ? ` Reference: ${error.digest}.` : ""}
      </p>
      <button onClick={reset} className="mt-6 rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
        Try again
      </button>
    </main>
  );
}
