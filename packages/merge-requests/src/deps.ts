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
  actor: string;
}

export interface MergeRequestsDeps extends Pick<KitchensDeps, "db" | "git" | "warehouses"> {
  notify?: (event: MergeRequestEvent) => Promise<void>;
}

export type { KitchenActor };
