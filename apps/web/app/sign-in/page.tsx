import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/current-user";
import { load } from "@/lib/page-data";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  // Already signed in: go home. If the database is down, still show the form (it will say so).
  const session = await load("your session", currentUser);
  if (session.ok && session.value) redirect("/");
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6 py-12">
      <div className="mb-8 flex items-center gap-2">
        <span aria-hidden className="grid h-9 w-9 place-items-center rounded-lg bg-slate-900 text-base font-semibold text-white">G</span>
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">Sign in to Galley</h1>
          <p className="text-xs text-slate-500">Kitchens, pipelines and tests for your data team</p>
        </div>
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <SignInForm />
      </div>
      <p className="mt-6 text-xs leading-relaxed text-slate-500">
        Demo data (<code className="font-mono">pnpm demo</code>): sign in as <code className="font-mono">padma@galley.local</code> (developer),{" "}
        <code className="font-mono">chris@</code> (DataOps), <code className="font-mono">eric@</code> (production),{" "}
        <code className="font-mono">maya@</code> (manager) or <code className="font-mono">admin@</code>, password{" "}
        <code className="font-mono">galley-demo-2026</code>.
      </p>
    </main>
  );
}
