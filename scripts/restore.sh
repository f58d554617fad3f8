#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database and an empty data directory.
# Stop web and worker first; start them after (migrations newer than the backup run at start-up
# with `pnpm db:migrate`).
#
#   DATABASE_URL=... GALLEY_DATA_DIR=/data RESTORE_KEY_FROM=/safe/kek bash scripts/restore.sh /backups/galley-<time>
set -euo pipefail
SRC=${1:?usage: restore.sh <backup directory made by backup.sh>}
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/galley}
DATA_DIR=${GALLEY_DATA_DIR:-$(pwd)/.galley}
REPO=$DATA_DIR/repo.git
KEK_FILE=${GALLEY_KEK_FILE:-$DATA_DIR/kek}

for f in database.dump repo.bundle MANIFEST; do [ -f "$SRC/$f" ] || { echo "restore: $SRC/$f is missing" >&2; exit 1; }; done
check() { [ "$(sha256sum "$SRC/$1" | cut -d' ' -f1)" = "$(sed -n "s/^$2=//p" "$SRC/MANIFEST")" ] || { echo "restore: $1 does not match its checksum in MANIFEST" >&2; exit 1; }; }
check database.dump database_sha256
check repo.bundle repo_sha256

# Refuse to overwrite: an existing Galley database or repository means the wrong target.
TABLES=$(psql -At "$DATABASE_URL" -c "select count(*) from information_schema.tables where table_schema = 'public'")
[ "$TABLES" = 0 ] || { echo "restore: the database already has $TABLES tables; restore into an empty one" >&2; exit 1; }
[ ! -e "$REPO" ] || { echo "restore: $REPO exists; restore into an empty data directory" >&2; exit 1; }

echo "restore: database ← $SRC/database.dump"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$SRC/database.dump"

echo "restore: analytics repository ← $SRC/repo.bundle"
mkdir -p "$DATA_DIR"
git init --quiet --bare "$REPO"
git -C "$REPO" fetch --quiet "$SRC/repo.bundle" "+refs/*:refs/*"
git -C "$REPO" symbolic-ref HEAD "$(git -C "$REPO" for-each-ref --format='%(refname)' refs/heads | head -1)"

if [ -n "${RESTORE_KEY_FROM:-}" ]; then
  mkdir -p "$(dirname "$KEK_FILE")"
  install -m 600 "$RESTORE_KEY_FROM" "$KEK_FILE"
  echo "restore: vault key ← $RESTORE_KEY_FROM"
elif [ ! -f "$KEK_FILE" ] && [ -z "${GALLEY_KEK:-}" ]; then
  echo "restore: no vault key at $KEK_FILE: secrets cannot be opened until it is put back (RESTORE_KEY_FROM=<path> or GALLEY_KEK)" >&2
fi
echo "restore: done; run 'pnpm db:migrate' before starting web and worker"
