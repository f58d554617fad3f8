import type { Db, Tx } from "@galley/db";

// Plain-object data access for the vault. No rules here: the use cases decide.
type Client = Db | Tx;

export type VaultAuditAction = "vault.set" | "vault.delete" | "vault.read" | "vault.rewrap" | "environment.pool";

export interface AuditEntry {
  actorId: string | null;
  action: VaultAuditAction;
  target: string;
  details: Record<string, string | number | boolean | null | string[]>;
  requestId?: string | null;
}

export function secretTarget(environmentId: string, name?: string): string {
  return name ? `vault:${environmentId}/${name}` : `vault:${environmentId}`;
}

export async function environmentExists(environmentId: string, client: Client): Promise<boolean> {
  const env = await client.environment.findUnique({ where: { id: environmentId }, select: { id: true } });
  return env !== null;
}

/** The environment's worker pool (its secrets are sealed with that pool's key when it has one), or null. */
export async function findEnvironmentPool(environmentId: string, client: Client): Promise<string | null> {
  const env = await client.environment.findUnique({ where: { id: environmentId }, select: { pool: true } });
  return env?.pool ?? null;
}

export function findSecretVersion(environmentId: string, name: string, client: Client): Promise<{ version: number } | null> {
  return client.vaultSecret.findUnique({ where: { environmentId_name: { environmentId, name } }, select: { version: true } });
}

export async function upsertSecret(
  row: { environmentId: string; name: string; version: number; ciphertext: string; updatedBy: string | null },
  client: Client,
): Promise<void> {
  const { environmentId, name } = row;
  const data = { version: row.version, ciphertext: row.ciphertext, updatedBy: row.updatedBy, updatedAt: new Date() };
  await client.vaultSecret.upsert({
    where: { environmentId_name: { environmentId, name } },
    create: { environmentId, name, ...data },
    update: data,
    select: { id: true },
  });
}

export async function deleteSecretRow(environmentId: string, name: string, client: Client): Promise<{ version: number } | null> {
  const rows = await client.$queryRaw<{ version: number }[]>`
    DELETE FROM vault_secrets WHERE environment_id = ${environmentId}::uuid AND name = ${name} RETURNING version`;
  return rows[0] ?? null;
}

export function findSecretsMetadata(environmentId: string, client: Client) {
  return client.vaultSecret.findMany({
    where: { environmentId },
    select: { name: true, version: true, updatedAt: true, updatedBy: true },
    orderBy: { name: "asc" },
  });
}

/**
 * Alert routes keep their webhook URLs in the vault under ALERT_ROUTE_*: those reach the worker's
 * alert sender (resolveSecret), never a node's environment.
 */
const NODE_HIDDEN_PREFIX_LIKE = "ALERT\\_ROUTE\\_%";

export interface ReadAudit {
  target: string;
  /** The run a node reads for; null for reads that serve no run (the web's warehouse connection). */
  runId: string | null;
  nodeId: string | null;
  requestId: string | null;
  /** Why the values are read, when it is not a run (recorded in the audit row). */
  purpose?: string;
  /** Only these secrets (all of the environment's when absent). */
  names?: string[];
  /** Never these (a node's read leaves out Galley's own credentials). */
  excludeNames?: string[];
}

/**
 * Reads an environment's sealed secrets and appends the `vault.read` audit row (with the names
 * read) in ONE statement: both see the same snapshot and commit or fail together, in one round
 * trip. `FROM a LEFT JOIN s` returns the audit row id even when there are no secrets.
 */
export async function readSealedSecretsAudited(
  environmentId: string,
  audit: ReadAudit,
  client: Client,
): Promise<{ auditId: bigint; secrets: { name: string; version: number; ciphertext: string }[] }> {
  const rows = await client.$queryRaw<{ audit_id: bigint; name: string | null; version: number | null; ciphertext: string | null }[]>`
    WITH s AS (
      SELECT name, version, ciphertext FROM vault_secrets
      WHERE environment_id = ${environmentId}::uuid AND name NOT LIKE ${NODE_HIDDEN_PREFIX_LIKE}
        AND (${audit.names ?? null}::text[] IS NULL OR name = ANY(${audit.names ?? null}::text[]))
        AND NOT (name = ANY(${audit.excludeNames ?? []}::text[]))
    ), a AS (
      INSERT INTO audit_log (actor_id, action, target, details, request_id)
      SELECT NULL, 'vault.read', ${audit.target},
             jsonb_build_object('environmentId', ${environmentId}::text, 'runId', ${audit.runId}::text, 'nodeId', ${audit.nodeId}::text,
                                'names', COALESCE(jsonb_agg(s.name ORDER BY s.name), '[]'::jsonb))
               || CASE WHEN ${audit.purpose ?? null}::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('purpose', ${audit.purpose ?? null}::text) END,
             ${audit.requestId}::text
      FROM s
      RETURNING id
    )
    SELECT a.id AS audit_id, s.name, s.version, s.ciphertext FROM a LEFT JOIN s ON true ORDER BY s.name`;
  if (rows.length === 0) throw new Error("vault.read audit row was not written");
  const secrets = rows.filter((r) => r.name !== null).map((r) => ({ name: r.name!, version: r.version!, ciphertext: r.ciphertext! }));
  return { auditId: rows[0].audit_id, secrets };
}

export async function insertAudit(entry: AuditEntry, client: Client): Promise<void> {
  await client.auditLog.create({
    data: { actorId: entry.actorId, action: entry.action, target: entry.target, details: entry.details, requestId: entry.requestId ?? null },
    select: { id: true },
  });
}

export interface SealedRow {
  id: string;
  environmentId: string;
  name: string;
  version: number;
  ciphertext: string;
}

/** Rows not yet wrapped by `activeKekId`, locked for this transaction, in id order after `afterId`. */
/** Rows on neither the active key nor one of `keepKekIds` (pools' own keys, which rotation of the main key leaves alone). */
export function lockRowsNotOnKek(activeKekId: string, afterId: string, limit: number, tx: Tx, keepKekIds: readonly string[] = []): Promise<SealedRow[]> {
  const prefix = `gv1:${activeKekId}:`;
  return tx.$queryRaw<SealedRow[]>`
    SELECT id::text AS id, environment_id::text AS "environmentId", name, version, ciphertext
    FROM vault_secrets
    WHERE left(ciphertext, ${prefix.length}::int) <> ${prefix} AND id > ${afterId}::uuid
      AND split_part(ciphertext, ':', 2) <> ALL(${[...keepKekIds]}::text[])
    ORDER BY id
    LIMIT ${limit}::int
    FOR UPDATE`;
}

export async function updateCiphertexts(rows: readonly { id: string; ciphertext: string }[], tx: Tx): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE vault_secrets AS v SET ciphertext = x.ciphertext
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.ciphertext)}::text[]) AS x(id, ciphertext)
    WHERE v.id = x.id`;
}

export async function countByKek(client: Client): Promise<Record<string, number>> {
  const rows = await client.$queryRaw<{ kek_id: string; n: bigint }[]>`
    SELECT split_part(ciphertext, ':', 2) AS kek_id, count(*) AS n FROM vault_secrets GROUP BY 1`;
  return Object.fromEntries(rows.map((r) => [r.kek_id, Number(r.n)]));
}
