import { can, type AuthUser } from "@galley/auth";
import Link from "next/link";
import { RoleBadge } from "./badges";
import { SignOutButton } from "./sign-out-button";

const NAV = [
  { href: "/", label: "Kitchens" },
  { href: "/runs", label: "Runs" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/environments", label: "Environments" },
];

/** `wide` matches pages that use the full width (editor, merge view). */
export function AppHeader({ user, wide = false }: { user: AuthUser; wide?: boolean }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex ${wide ? "max-w-[96rem]" : "max-w-6xl"} items-center justify-between gap-4 px-6 py-3`}>
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-slate-900 text-sm text-white">G</span>
          Galley
        </Link>
        <nav aria-label="Main" className="flex items-center gap-4 text-sm">
          {[...NAV, ...(can(user, "manage_workers", { type: "installation" }) ? [{ href: "/admin/workers", label: "Workers" }] : [])].map((n) => (
            <Link key={n.href} href={n.href} className="font-medium text-slate-700 hover:text-slate-900 hover:underline" data-testid={`nav-${n.label.toLowerCase()}`}>{n.label}</Link>
          ))}
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <div className="text-right leading-tight">
            <div className="font-medium text-slate-900" data-testid="user-name">{user.name}</div>
            <div className="text-xs text-slate-500">{user.email}</div>
          </div>
          <RoleBadge role={user.role} />
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
