// Says what happened to a Kitchen operation that did not finish normally: still running (or
// waiting for the janitor), undone or finished by the janitor after its process stopped.
import type { OperationRecord } from "@galley/kitchens";
import { timeAgo } from "@/lib/format";

const VERB: Record<string, string> = { "kitchen.create": "Creating", "kitchen.delete": "Deleting", "kitchen.merge": "Merging into" };

function describe(o: OperationRecord): string {
  const what = `${VERB[o.kind] ?? o.kind} ${o.subject}`;
  if (o.state === "running") {
    return o.error
      ? `${what} stopped at step ${o.step}; the janitor is finishing or undoing it (last attempt: ${o.error}).`
      : `${what} is in progress (step ${o.step}).`;
  }
  if (o.state === "undone") return `${what} was interrupted at step ${o.step} and undone: nothing of it was left behind. ${o.error ?? ""}`;
  return `${what} was interrupted at step ${o.step} and finished by the janitor. ${o.error ?? ""}`;
}

export function OperationsNotice({ operations }: { operations: OperationRecord[] }) {
  if (!operations.length) return null;
  return (
    <div role="status" data-testid="operations-notice" className="mb-4 space-y-1 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      {operations.map((o) => (
        <p key={o.id} data-state={o.state}>
          {describe(o)} <span className="text-amber-700">({timeAgo(o.updatedAt)})</span>
        </p>
      ))}
    </div>
  );
}
