// Output schemas of the pipelines API: what leaves the server, field by field.
import { z } from "zod";

export const ZPipelineError = z.object({
  file: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  field: z.string().optional(),
  message: z.string(),
});

export const ZLayout = z.object({
  nodes: z.array(z.object({ id: z.string(), x: z.number(), y: z.number(), layer: z.number(), order: z.number() })),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  width: z.number(),
  height: z.number(),
  nodeWidth: z.number(),
  nodeHeight: z.number(),
});

export const ZParameters = z.record(z.string(), z.object({ value: z.union([z.string(), z.number(), z.boolean()]), source: z.enum(["run", "kitchen", "variation", "default"]) }));
