import { AppError } from "@galley/core";
import type { ParamValue, Pipeline, PipelineVariation } from "./types";

export type ParameterSource = "run" | "kitchen" | "variation" | "default";
export type EffectiveParameters = Record<string, { value: ParamValue; source: ParameterSource }>;

/**
 * Each declared parameter's value and where it came from.
 * Precedence: run parameter > Kitchen override > variation > pipeline default. A variation lives in
 * the file, like the defaults it replaces; a Kitchen override is that Kitchen's standing choice and
 * applies to every run in it, variations included; a run parameter is the most specific of all.
 * Unknown run parameters are an error (a typo would silently do nothing); unknown Kitchen overrides
 * are ignored (they may target a parameter another branch still declares).
 */
export function effectiveParameters(
  pipeline: Pick<Pipeline, "parameters" | "variations">,
  overrides: Readonly<Record<string, ParamValue>> = {},
  runParams: Readonly<Record<string, ParamValue>> = {},
  variation?: string,
): EffectiveParameters {
  const chosen = variation === undefined ? undefined : getVariationOrThrow(pipeline, variation);
  for (const name of Object.keys(runParams)) {
    if (!Object.hasOwn(pipeline.parameters, name)) {
      throw new AppError("invalid_input", `unknown parameter "${name}": the pipeline declares ${listOrNone(Object.keys(pipeline.parameters))}`, {
        field: `params.${name}`,
      });
    }
  }
  const out: EffectiveParameters = {};
  for (const [name, param] of Object.entries(pipeline.parameters)) {
    if (Object.hasOwn(runParams, name)) out[name] = { value: runParams[name], source: "run" };
    else if (Object.hasOwn(overrides, name)) out[name] = { value: overrides[name], source: "kitchen" };
    else if (chosen && Object.hasOwn(chosen.parameters, name)) out[name] = { value: chosen.parameters[name], source: "variation" };
    else out[name] = { value: param.default, source: "default" };
  }
  return out;
}

/** Just the values, as templates read them. */
export function parameterValues(params: EffectiveParameters): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.value]));
}

export function getVariationOrThrow(pipeline: Pick<Pipeline, "variations">, name: string): PipelineVariation {
  if (!Object.hasOwn(pipeline.variations, name)) {
    throw new AppError("not_found", `unknown variation "${name}": the pipeline has ${listOrNone(Object.keys(pipeline.variations))}`, { field: "variation" });
  }
  return pipeline.variations[name];
}

function listOrNone(names: string[]): string {
  return names.length ? names.map((n) => `"${n}"`).join(", ") : "none";
}
