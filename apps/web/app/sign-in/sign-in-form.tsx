"use client";

import { ZSignInInput } from "@galley/auth/schemas";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

type Errors = { email?: string; password?: string; form?: string };

export function SignInForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = ZSignInInput.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as "email" | "password"] ??= issue.message;
      setErrors(next);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const res = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      if (res.ok) {
        router.replace("/");
        router.refresh();
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string; field?: string } } | null;
      const message = body?.error?.message ?? `sign-in failed (${res.status})`;
      const field = body?.error?.field;
      setErrors(field === "email" || field === "password" ? { [field]: message } : { form: message });
    } catch {
      setErrors({ form: "Galley did not answer; check your connection and try again." });
    }
    setBusy(false);
  }

  const input = "mt-1 block w-full rounded-md border px-3 py-2 text-sm shadow-sm outline-none focus:ring-2 focus:ring-slate-400";
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {errors.form && (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="sign-in-error">
          {errors.form}
        </p>
      )}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">Email</label>
        <input
          id="email" name="email" type="email" autoComplete="username" required autoFocus
          aria-invalid={!!errors.email} aria-describedby={errors.email ? "email-error" : undefined}
          className={`${input} ${errors.email ? "border-rose-400" : "border-slate-300"}`}
        />
        {errors.email && <p id="email-error" className="mt-1 text-xs text-rose-700">{errors.email}</p>}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">Password</label>
        <input
          id="password" name="password" type="password" autoComplete="current-password" required
          aria-invalid={!!errors.password} aria-describedby={errors.password ? "password-error" : undefined}
          className={`${input} ${errors.password ? "border-rose-400" : "border-slate-300"}`}
        />
        {errors.password && <p id="password-error" className="mt-1 text-xs text-rose-700">{errors.password}</p>}
      </div>
      <button
        type="submit" disabled={busy}
        className="w-full rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
