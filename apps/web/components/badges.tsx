const ENV_STYLES: Record<string, string> = {
  production: "bg-rose-50 text-rose-700 ring-rose-200",
  development: "bg-sky-50 text-sky-700 ring-sky-200",
};

export function EnvironmentBadge({ name, kind }: { name: string; kind: "development" | "production" }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${ENV_STYLES[kind] ?? ENV_STYLES.development}`}>
      {name}
    </span>
  );
}

const ROLE_LABELS: Record<string, string> = {
  admin: "Admin",
  developer: "Developer",
  dataops: "DataOps engineer",
  production: "Production engineer",
  viewer: "Viewer",
};

export function RoleBadge({ role }: { role: string }) {
  return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">{ROLE_LABELS[role] ?? role}</span>;
}

export function Tag({ children }: { children: React.ReactNode }) {
  return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{children}</span>;
}
