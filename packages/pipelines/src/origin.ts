import type { Pipeline } from "./types";
import type { Locator } from "./yaml-source";

/** What parsing knew about a pipeline's source, kept off the plain object so it stays JSON. */
export interface PipelineOrigin {
  locator?: Locator;
  siblingFiles?: string[];
  sources?: Record<string, string>;
}

// Keyed weakly: a pipeline that is dropped takes its YAML document with it.
const origins = new WeakMap<Pipeline, PipelineOrigin>();

export function rememberOrigin(pipeline: Pipeline, origin: PipelineOrigin): void {
  origins.set(pipeline, origin);
}

export function originOf(pipeline: Pipeline): PipelineOrigin {
  return origins.get(pipeline) ?? {};
}
