import type { Health } from "@/lib/health";

const LABELS: Record<string, string> = {
  database: "Database",
  redis: "Redis (job queue)",
  docker: "Docker engine",
  git: "git",
  worker: "Worker",
};

export function HealthBanner({ health }: { health: Health }) {
  const down = Object.entries(health.checks).filter(([, c]) => !c.up);
  if (down.length === 0) return null;
  return (
    <div role="alert" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto max-w-6xl px-6 py-2.5 text-sm text-amber-900">
        <span className="font-semibold">Some services are down; runs may not start. </span>
        {down.map(([name, c], i) => (
          <span key={name}>
            {i > 0 && "; "}
            {LABELS[name] ?? name}: {c.reason ?? "down"}
          </span>
        ))}
      </div>
    </div>
  );
}
