import type { Tx } from "@galley/db";
import type { KitchenActor, KitchensDeps } from "@galley/kitchens";

/** What a request event tells the alerts (opened, approved, merged); optional. */
export interface MergeRequestEvent {
  kind: "merge_request.opened" | "merge_request.approved" | "merge_request.merged";
  requestId: string;
  number: number;
  title: string;
  source: string;
  target: string;
  targetKitchenId: string;
  sourceKitchenId: string;
  /** The approving review (approved only). */
  reviewId?: string;
  actor: string;
}

export interface MergeRequestsDeps extends Pick<KitchensDeps, "db" | "git" | "warehouses"> {
  /** Called inside the transaction that records the event (an outbox row, not a network call). */
  notify?: (tx: Tx, event: MergeRequestEvent) => Promise<void>;
}

export type { KitchenActor };
