import { can } from "@galley/auth/policy";
import { AppError, assertIdentifier } from "@galley/core";
import { withTransaction, type Tx } from "@galley/db";
import { parseDataPolicy, type KitchenTableReport, type TDataPolicy } from "@galley/warehouse";
import { getKitchenForActorOrThrow, type KitchenRecord } from "./access";
import type { EnvironmentWarehouse, KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, findEnvironmentByName, findUsersByEmails, isNameReserved, isNameTaken, kitchenTarget, lockLiveKitchen } from "./kitchen-repository";
import { ZCreateKitchenInput, type TCreateKitchenInput } from "./schemas";
import { Operation } from "./operations";
import { StepRunner, type StepTiming } from "./steps";

export interface CreateKitchenReport {
  steps: StepTiming[];
  tables: KitchenTableReport[];
}

export interface CreatedKitchen {
  id: string;
  name: string;
  parent: string;
  environment: string;
  branch: string;
  schema: string;
}

type Env = NonNullable<Awaited<ReturnType<typeof findEnvironmentByName>>>;

interface Plan {
  name: string;
  parent: KitchenRecord;
  env: Env;
  policy: TDataPolicy;
  staff: { id: string; email: string }[];
  input: ReturnType<typeof ZCreateKitchenInput.parse>;
}

/**
 * Creates a child Kitchen, all or nothing: git branch from the parent's head → schema in the
 * environment's warehouse filled from the parent's by the data policy → rows (Kitchen, staff,
 * inherited variables, audit) in one transaction. A failing step undoes the earlier ones and the
 * error names it in `details.step`; the warehouses are checked before anything is created.
 * Each step is recorded in `operations` before it runs (with what undoing it needs), and the
 * last one commits with the operation's "done": if this process dies half-way, the janitor
 * undoes what was made and the name is free again.
 */
export async function createKitchen(
  deps: Pick<KitchensDeps, "db" | "git" | "warehouses" | "schemas" | "logger" | "checkpoint" | "operationLeaseMs">,
  rawInput: TCreateKitchenInput,
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ kitchen: CreatedKitchen; report: CreateKitchenReport }> {
  const plan = await planCreation(deps, rawInput, actor);
  const { name, parent, env, policy } = plan;
  const steps = new StepRunner(`creating Kitchen ${name}`, deps.logger, "Nothing was created.");

  const { target, source, parentHead, op } = await steps.run("check", async () => {
    const w = await openWarehouses(deps, parent, env);
    const parentHead = await deps.git.headOf(parent.branch);
    // The name's reservation: a second creation (or a deletion) of it is refused from here on.
    const op = await Operation.begin(deps, {
      kind: "kitchen.create", subject: name, step: "branch", environmentId: env.id, actorId: actor.id,
      payload: { parent: parent.name, parentHead, schema: name, environmentId: env.id },
    });
    return { ...w, parentHead, op };
  });
  try {
    const row = await createSteps(deps, plan, actor, { steps, op, target, source, parentHead, requestId: opts.requestId });
    deps.logger?.info("kitchen created", { kitchen: name, parent: parent.name, steps: steps.timings });
    return {
      kitchen: { id: row.id, name, parent: parent.name, environment: env.name, branch: name, schema: name },
      report: { steps: steps.timings, tables: row.tables },
    };
  } catch (e) {
    // StepRunner undid what it could; the operation says whether anything is left for the janitor.
    const undone = ((e as AppError).details as { undone?: { ok: boolean }[] } | undefined)?.undone ?? [];
    const message = (e as Error).message;
    if (undone.every((u) => u.ok)) await op.finish("undone", { error: message }).catch((fe) => deps.logger?.error("operation not closed", { operation: op.id, err: fe }));
    else await op.abandon(message).catch((fe) => deps.logger?.error("operation not handed to the janitor", { operation: op.id, err: fe }));
    throw e;
  } finally {
    op.stop();
  }
}

async function createSteps(
  deps: Pick<KitchensDeps, "db" | "git" | "schemas">,
  plan: Plan,
  actor: KitchenActor,
  ctx: { steps: StepRunner; op: Operation; target: EnvironmentWarehouse; source?: EnvironmentWarehouse; parentHead: string; requestId?: string },
): Promise<{ id: string; tables: KitchenTableReport[] }> {
  const { name, parent, policy } = plan;
  const { steps, op, target, source } = ctx;
  const head = await steps.run("branch", () => deps.git.createBranch(name, parent.branch, { fromSha: ctx.parentHead }));
  steps.onUndo("branch", () => deps.git.deleteBranch(name, { expectedHead: head }));
  op.stepDone();

  const filled = await steps.run(
    "schema",
    async () => {
      if (await deps.schemas.exists(target.wh, name)) {
        throw new AppError("conflict", `schema ${name} already exists in warehouse ${target.wh.label} but belongs to no live Kitchen; drop or rename it first`, { field: "name" });
      }
      // From here the schema is ours: the branch step made this request the only creator of the
      // name (branches move by compare-and-swap), so any failure, even one after the warehouse
      // committed (a connection lost on COMMIT), drops it. Recorded first, so the janitor does too.
      // The Kitchen's role goes with it (roles are cluster-wide, so it would outlive the schema).
      await ctx.op.step("schema", { head });
      steps.onUndo("schema", async () => {
        await deps.schemas.drop(target.wh, name);
        await deps.schemas.dropRole(target.wh, name);
      });
      // The Kitchen's own LOGIN role, which the worker's nodes connect as (see @galley/warehouse roles).
      const role = target.kitchenRolePassword ? { password: target.kitchenRolePassword(name) } : true;
      return deps.schemas.create(target.wh, { schema: name, parentSchema: parent.schemaName, policy, source: source?.wh, maskSalt: target.maskSalt, role });
    },
    // A failure while filling a table is the data step; creating the schema itself is the schema step.
    (e) => (/^tables\./.test((e as AppError)?.field ?? "") ? "data" : "schema"),
  );
  op.stepDone();

  const row = await steps.run("records", () =>
    op.step("records").then(() => withTransaction(deps.db, async (tx) => {
      const r = await insertRecords(tx, plan, actor, { head, tables: filled.tables.length, requestId: ctx.requestId });
      await op.finish("done", { tx, kitchenId: r.id });
      return r;
    })).catch((e) => {
      if ((e as { code?: string })?.code === "P2002") throw new AppError("conflict", `a Kitchen named ${name} was created meanwhile`, { field: "name", cause: e });
      throw e;
    }),
  );
  op.stepDone();
  return { id: row.id, tables: filled.tables };
}

/** Everything that can be refused without touching git or a warehouse. */
async function planCreation(deps: Pick<KitchensDeps, "db">, rawInput: TCreateKitchenInput, actor: KitchenActor): Promise<Plan> {
  const parsed = ZCreateKitchenInput.safeParse(rawInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".");
    throw new AppError("invalid_input", `${field}: ${issue.message}`, { field });
  }
  const input = parsed.data;
  const name = assertIdentifier(input.name, "name");
  const parent = await getKitchenForActorOrThrow(deps, input.parent, actor, "staff");
  if (parent.status === "deleting") throw new AppError("conflict", `Kitchen ${parent.name} is being deleted`, { field: "parent" });
  const env = input.environment ? await findEnvironmentByName(input.environment, deps.db) : { ...parent.environment };
  if (!env) throw new AppError("invalid_input", `environment ${input.environment} does not exist`, { field: "environment" });
  if (!can(actor, "write", { type: "environment", kind: env.kind })) {
    throw new AppError("forbidden", `your role (${actor.role}) may not create Kitchens in the ${env.kind} environment ${env.name}`, { field: "environment" });
  }
  if (await isNameTaken(name, deps.db)) throw new AppError("conflict", `a Kitchen named ${name} already exists`, { field: "name" });
  if (await isNameReserved(name, deps.db)) throw new AppError("conflict", `Kitchen ${name} is being created or deleted right now; try again when that has finished`, { field: "name" });
  const staff = await resolveStaff(deps, input.staff, actor);
  let policy: TDataPolicy;
  try {
    policy = parseDataPolicy(input.dataPolicy ?? env.dataPolicy);
  } catch (e) {
    const err = e as AppError;
    const field = (err.field ?? "policy").replace(/^policy/, "dataPolicy");
    const where = input.dataPolicy === undefined ? `the ${env.name} environment's default data policy is invalid: ` : "";
    throw new AppError("invalid_input", where + err.message.replace(/^data policy: policy/, "dataPolicy"), { field });
  }
  return { name, parent, env, policy, staff, input };
}

async function resolveStaff(deps: Pick<KitchensDeps, "db">, emails: string[], actor: KitchenActor) {
  const wanted = [...new Set(emails)].filter((e) => e !== actor.email);
  const users = await findUsersByEmails(wanted, deps.db);
  const byEmail = new Map(users.map((u) => [u.email, u]));
  for (const [i, email] of emails.entries()) {
    if (email === actor.email) continue;
    const u = byEmail.get(email);
    if (!u || u.disabled) throw new AppError("invalid_input", `no active Galley user has the email ${email}`, { field: `staff.${i}` });
  }
  return wanted.map((e) => ({ id: byEmail.get(e)!.id, email: e }));
}

async function openWarehouses(deps: Pick<KitchensDeps, "warehouses">, parent: KitchenRecord, env: Env) {
  const target: EnvironmentWarehouse = await deps.warehouses.forEnvironment(env.id);
  const source = env.id === parent.environmentId ? undefined : await deps.warehouses.forEnvironment(parent.environmentId);
  // ping() fails with AppError('unavailable', 'warehouse host:port/db is unreachable: ...').
  await Promise.all([target.wh.ping(), source?.wh.ping()]);
  return { target, source };
}

async function insertRecords(
  tx: Tx,
  plan: Plan,
  actor: KitchenActor,
  meta: { head: string; tables: number; requestId?: string },
): Promise<{ id: string }> {
  const { name, parent, env, input } = plan;
  // FOR SHARE: a concurrent delete of the parent (FOR UPDATE) waits for us, then sees this child.
  if (!(await lockLiveKitchen(tx, parent.id, "share"))) {
    throw new AppError("conflict", `Kitchen ${parent.name} was deleted meanwhile`, { field: "parent" });
  }
  const inherited = await tx.kitchenVariable.findMany({ where: { kitchenId: parent.id }, select: { name: true, value: true, inheritedFrom: true } });
  const row = await tx.kitchen.create({
    data: {
      name,
      description: input.description,
      parentId: parent.id,
      branch: name,
      environmentId: env.id,
      schemaName: name,
      isPrivate: input.isPrivate,
      isPersistent: input.isPersistent,
      status: "active",
      createdById: actor.id,
      staff: { create: [{ userId: actor.id, isOwner: true }, ...plan.staff.map((s) => ({ userId: s.id, isOwner: false }))] },
      variables: { create: inherited.map((v) => ({ name: v.name, value: v.value, inheritedFrom: v.inheritedFrom ?? parent.name })) },
    },
    select: { id: true },
  });
  await appendAudit(
    {
      actorId: actor.id,
      action: "kitchen.create",
      target: kitchenTarget(row.id),
      requestId: meta.requestId,
      details: {
        name, parent: parent.name, environment: env.name, isPrivate: input.isPrivate, isPersistent: input.isPersistent,
        staff: plan.staff.map((s) => s.email), branchHead: meta.head, tables: meta.tables, policy: plan.policy as object,
      },
    },
    tx,
  );
  return row;
}
