#!/usr/bin/env bash
# Generates the Prisma client into packages/db/src/generated.
# Prisma's CLI tries to download native engines; pointing it at any file keeps it offline
# (the generated client runs through @prisma/adapter-pg and needs no engine binary).
set -euo pipefail
cd "$(dirname "$0")/../packages/db"
export PRISMA_SCHEMA_ENGINE_BINARY=${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/false}
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
npx --no-install prisma generate --schema ../../prisma/schema.prisma --config ../../prisma.config.ts >/dev/null
echo "prisma client generated"
