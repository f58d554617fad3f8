import { z } from "zod";
import { deleteSecret, setSecret } from "@galley/vault";
import { route } from "../../../../../../lib/route";
import { getEnvironmentForOrThrow, vaultDeps } from "../../../../../../lib/vault-deps";

const ZParams = z.object({ env: z.string(), name: z.string() });
export const ZSetSecretInput = z.object({ value: z.string().min(1, "a secret needs a value").max(65_536) });

export const PUT = route(
  { auth: "user", params: ZParams, body: ZSetSecretInput, output: z.object({ secret: z.object({ name: z.string(), version: z.number() }) }) },
  async ({ user, params, body, requestId }) => {
    const env = await getEnvironmentForOrThrow(params.env, user, "manage_vault");
    const secret = await setSecret(vaultDeps(), { environmentId: env.id, name: params.name, value: body.value, actorId: user.id, requestId });
    return { secret };
  },
);

export const DELETE = route({ auth: "user", params: ZParams }, async ({ user, params, requestId }) => {
  const env = await getEnvironmentForOrThrow(params.env, user, "manage_vault");
  await deleteSecret(vaultDeps(), { environmentId: env.id, name: params.name, actorId: user.id, requestId });
  return undefined;
});
