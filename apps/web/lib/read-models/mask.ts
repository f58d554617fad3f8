/**
 * Alert channels may be webhook URLs whose path is the credential (Slack, Teams): show where
 * they point, never the secret part. Plain channel names (#data-alerts) pass through.
 */
export function maskChannel(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    if (u.protocol === "http:" || u.protocol === "https:") return `${u.protocol}//${u.host}/…`;
    return `${u.protocol}…`;
  } catch {
    return value;
  }
}
