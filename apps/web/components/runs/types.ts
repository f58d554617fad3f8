// What pages hand to the run components and what the event stream sends: JSON, dates as ISO text.
import type { TNodeRunView, TRunDetail, TRunView } from "@/lib/read-models/runs";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type RunWire = Jsonified<TRunView>;
export type NodeWire = Jsonified<TNodeRunView>;
export type RunDetailWire = { run: RunWire; nodes: NodeWire[] };

export interface LayoutWire {
  nodes: { id: string; x: number; y: number }[];
  edges: { from: string; to: string }[];
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

export interface LogLine {
  id: number;
  attempt: number;
  stream: string;
  line: string;
  at: string;
}

/** Dates become ISO strings, exactly as the API and the event stream send them. */
export function toWire(detail: TRunDetail): RunDetailWire {
  return JSON.parse(JSON.stringify(detail)) as RunDetailWire;
}
