import { z } from "zod";
import { listSecrets } from "@galley/vault";
import { route } from "../../../../../lib/route";
import { getEnvironmentForOrThrow, vaultDeps } from "../../../../../lib/vault-deps";

const ZSecretMeta = z.object({ name: z.string(), version: z.number(), updatedAt: z.date(), updatedBy: z.string().nullable() });

// Names and metadata only: the output schema has no field a value could leak through.
export const GET = route(
  { auth: "user", params: z.object({ env: z.string() }), output: z.object({ secrets: z.array(ZSecretMeta) }) },
  async ({ user, params }) => {
    const env = await getEnvironmentForOrThrow(params.env, user, "read_secret_names");
    return { secrets: await listSecrets(vaultDeps(), env.id) };
  },
);
