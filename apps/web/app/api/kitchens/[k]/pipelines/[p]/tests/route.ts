import { readKitchenFile, saveKitchenFile } from "@galley/kitchens";
import { addTestToPipelineYaml } from "@galley/pipelines";
import { z } from "zod";
import { ZFileError } from "../../../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../../lib/route";
import { ZAddTestInput, ZPipelineParams } from "../../../../../../../lib/runs-schemas";

/**
 * Adds a data test to a node: the YAML is written into pipelines/<p>/pipeline.yaml and committed
 * by the files use case (same access rule as saving the file: write on the Kitchen). A test that
 * would make the file invalid is refused with the field, and nothing is committed.
 */
export const POST = route(
  { auth: "user", params: ZPipelineParams, body: ZAddTestInput, output: z.object({ commit: z.string(), validation: z.array(ZFileError) }) },
  async ({ user, params, body }) => {
    const deps = await kitchensDeps();
    const path = `pipelines/${params.p}/pipeline.yaml`;
    const file = await readKitchenFile(deps, { kitchen: params.k, path }, user);
    const content = addTestToPipelineYaml(file.content, body.node, body.test);
    const name = String(body.test.name);
    return saveKitchenFile(deps, { kitchen: params.k, path, content, message: `Add test ${name} to ${params.p}.${body.node}`, expectedHead: body.expectedHead ?? file.head, strict: true }, user);
  },
);
