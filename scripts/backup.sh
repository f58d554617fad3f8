#!/usr/bin/env bash
# Backs up what Galley owns: its PostgreSQL database (Kitchens, runs, vault ciphertexts, audit) and
# the analytics git repository. The vault key (KEK) is NOT put next to them: with it, the database
# dump is as good as plaintext. Back the key up once, elsewhere (BACKUP_KEY_TO=<path> copies it).
#
#   DATABASE_URL=... GALLEY_DATA_DIR=/data bash scripts/backup.sh /backups
#   → /backups/galley-<UTC time>/{database.dump, repo.bundle, MANIFEST}
#
# Consistent while Galley runs: pg_dump takes one snapshot; the bundle holds every ref as it was when
# bundled (a push landing in between is in the next backup). Warehouse schemas are not Galley's to
# back up: they belong to the warehouse (its own backups), and Kitchens' schemas are rebuilt by runs.
set -euo pipefail
DEST_ROOT=${1:?usage: backup.sh <destination directory>}
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/galley}
DATA_DIR=${GALLEY_DATA_DIR:-$(pwd)/.galley}
REPO=$DATA_DIR/repo.git
KEK_FILE=${GALLEY_KEK_FILE:-$DATA_DIR/kek}

[ -d "$REPO" ] || { echo "backup: no analytics repository at $REPO (set GALLEY_DATA_DIR)" >&2; exit 1; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DEST=$DEST_ROOT/galley-$STAMP
mkdir -p "$DEST"
umask 077

echo "backup: database → $DEST/database.dump"
pg_dump --format=custom --no-owner --no-privileges --file="$DEST/database.dump" "$DATABASE_URL"

echo "backup: analytics repository → $DEST/repo.bundle"
git -C "$REPO" bundle create "$DEST/repo.bundle" --all 2>/dev/null
git -C "$REPO" bundle verify "$DEST/repo.bundle" >/dev/null 2>&1 || { echo "backup: the bundle does not verify" >&2; exit 1; }

{
  echo "created_at=$STAMP"
  echo "migrations=$(psql -At "$DATABASE_URL" -c 'select count(*) from galley_migrations' 2>/dev/null || echo unknown)"
  echo "refs=$(git -C "$REPO" for-each-ref | wc -l)"
  echo "database_sha256=$(sha256sum "$DEST/database.dump" | cut -d' ' -f1)"
  echo "repo_sha256=$(sha256sum "$DEST/repo.bundle" | cut -d' ' -f1)"
} > "$DEST/MANIFEST"

if [ -n "${BACKUP_KEY_TO:-}" ]; then
  [ -n "${GALLEY_KEK:-}" ] && { echo "backup: GALLEY_KEK is set in the environment: keep that value in your secret store instead" >&2; }
  if [ -f "$KEK_FILE" ]; then
    install -m 600 "$KEK_FILE" "$BACKUP_KEY_TO"
    echo "backup: vault key → $BACKUP_KEY_TO (keep it apart from the dumps)"
  fi
else
  echo "backup: the vault key ($KEK_FILE) was not copied; back it up once, apart from these files (BACKUP_KEY_TO=<path>)"
fi
echo "$DEST"
