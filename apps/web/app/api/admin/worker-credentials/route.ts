import { z } from "zod";
import { issueWorkerCredential, ZIssueWorkerCredentialInput } from "@galley/workers";
import { route } from "../../../../lib/route";
import { assertManageWorkers, workersDeps } from "../../../../lib/workers-deps";

// The token is in this answer once; Galley keeps only its hash.
export const POST = route(
  {
    auth: "user",
    body: ZIssueWorkerCredentialInput,
    output: z.object({ credential: z.object({ id: z.string(), pool: z.string(), name: z.string(), token: z.string(), hint: z.string() }) }),
  },
  async ({ user, body, requestId }) => {
    assertManageWorkers(user);
    return { credential: await issueWorkerCredential(workersDeps(), { ...body, actorId: user.id, requestId }) };
  },
);
