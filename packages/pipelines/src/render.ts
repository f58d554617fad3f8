import { AppError, REDACTED } from "@galley/core";
import { scanTemplate, variableName, type VariableRef } from "./templates";
import type { ParamValue } from "./types";

/** Everything a template can read. Parameter values are inserted as text and never rendered again. */
export interface VariableScope {
  kitchen: string;
  schema: string;
  environment: string;
  runId: string;
  pipeline: string;
  params: Readonly<Record<string, ParamValue>>;
  /**
   * Secrets of the Kitchen's environment. In `view` mode only the names matter (values may be "");
   * leave it undefined there to accept any name.
   */
  vault?: Readonly<Record<string, string>>;
  /** Outputs of upstream nodes that have finished, by node id. */
  outputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * `execute`: the worker's rendering, real secret values, every variable must resolve.
 * `view`: what people see (compiled view, UI): every secret is `***` and outputs not known yet stay `{{outputs.N.K}}`.
 */
export type RenderMode = "execute" | "view";

export interface RenderOptions {
  mode?: RenderMode;
}

export interface Rendered<T> {
  value: T;
  /** Secret values inserted, for log redaction. Empty in `view` mode. */
  secretsUsed: string[];
}

/** Renders every `{{...}}` in `template`. Throws AppError(invalid_input) for a variable it cannot resolve. */
export function renderTemplate(template: string, scope: VariableScope, options: RenderOptions = {}): { text: string; secretsUsed: string[] } {
  const secrets = new Set<string>();
  const text = renderInto(template, scope, options.mode ?? "execute", secrets);
  return { text, secretsUsed: [...secrets] };
}

/** Renders every string inside a JSON-like value (arrays and objects deeply); other values are copied. */
export function renderValue<T>(value: T, scope: VariableScope, options: RenderOptions = {}): Rendered<T> {
  const secrets = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return renderInto(v, scope, options.mode ?? "execute", secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, secretsUsed: [...secrets] };
}

/** Shared by the render functions so one Set collects the secrets of a whole node. */
export function renderInto(template: string, scope: VariableScope, mode: RenderMode, secrets: Set<string>): string {
  const parts = scanTemplate(template);
  if (parts.length === 1 && parts[0].kind === "text") return parts[0].text;
  let out = "";
  for (const part of parts) {
    if (part.kind === "text") out += part.text;
    else if (!part.ref) throw new AppError("invalid_input", part.error ?? `unknown variable ${part.raw}`);
    else out += resolve(part.ref, scope, mode, secrets);
  }
  return out;
}

function resolve(ref: VariableRef, scope: VariableScope, mode: RenderMode, secrets: Set<string>): string {
  switch (ref.kind) {
    case "context":
      return contextValue(ref.name, scope);
    case "params": {
      if (!Object.hasOwn(scope.params, ref.name)) throw missing(ref, `parameter "${ref.name}" is not declared`);
      return String(scope.params[ref.name]);
    }
    case "vault": {
      const known = scope.vault === undefined ? mode === "view" : Object.hasOwn(scope.vault, ref.name);
      if (!known) throw missing(ref, `secret "${ref.name}" is not in the vault of environment "${scope.environment}"`);
      if (mode === "view") return REDACTED;
      const secret = scope.vault![ref.name];
      secrets.add(secret);
      return secret;
    }
    case "outputs": {
      const nodeOutputs = scope.outputs?.[ref.node];
      if (nodeOutputs && Object.hasOwn(nodeOutputs, ref.key)) return stringifyOutput(nodeOutputs[ref.key]);
      if (mode === "view") return `{{${variableName(ref)}}}`;
      throw missing(ref, nodeOutputs ? `node "${ref.node}" wrote no key "${ref.key}" in its outputs` : `no outputs of node "${ref.node}" are available`);
    }
  }
}

export function contextValue(name: string, scope: VariableScope): string {
  switch (name) {
    case "CurrentKitchen":
      return scope.kitchen;
    case "schema":
      return scope.schema;
    case "environment":
      return scope.environment;
    case "run.id":
      return scope.runId;
    default:
      return scope.pipeline;
  }
}

/** Strings go in as they are; numbers, booleans, objects and null as JSON. */
function stringifyOutput(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

function missing(ref: VariableRef, why: string): AppError {
  const name = variableName(ref);
  return new AppError("invalid_input", `cannot render {{${name}}}: ${why}`, { field: name });
}
