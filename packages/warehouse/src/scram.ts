import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

// A SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's pg_authid format) computed here, so that
// `ALTER ROLE ... PASSWORD '<verifier>'` never carries the plaintext: with log_statement=ddl the
// server log shows only the verifier, from which a 256-bit derived password cannot be recovered.
// PostgreSQL stores a value already in this format as is.

const ITERATIONS = 4096;

export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  // PostgreSQL applies SASLprep; our passwords are base64url ASCII, for which it is the identity.
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
