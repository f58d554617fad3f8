#!/usr/bin/env bash
# Makes PostgreSQL and Redis reachable: uses DATABASE_URL / REDIS_URL when they answer,
# otherwise starts (and as root, installs) local servers. Idempotent.
set -euo pipefail
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/galley}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

say() { echo "[services] $*"; }
is_root() { [ "$(id -u)" = 0 ]; }

pg_up() { pg_isready -q -d "$DATABASE_URL" 2>/dev/null || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_host() { echo "$REDIS_URL" | sed -E 's#redis://([^@]*@)?([^:/]+).*#\2#'; }
redis_port() { local p; p=$(echo "$REDIS_URL" | sed -nE 's#redis://([^@]*@)?[^:/]+:([0-9]+).*#\2#p'); echo "${p:-6379}"; }
# A password in the URL (redis://:pw@host or redis://user:pw@host) goes by REDISCLI_AUTH, not argv.
redis_pass() { echo "$REDIS_URL" | sed -nE 's#redis://[^:@/]*:([^@]*)@.*#\1#p'; }
redis_cli() {
  local pw; pw=$(redis_pass)
  if [ -n "$pw" ]; then REDISCLI_AUTH="$pw" redis-cli --no-auth-warning -h "$(redis_host)" -p "$(redis_port)" "$@"
  else redis-cli -h "$(redis_host)" -p "$(redis_port)" "$@"; fi
}
redis_up() { [ "$(redis_cli ping 2>/dev/null)" = PONG ]; }

apt_install() {
  if ! is_root; then say "cannot install $* (not root): install it or point the URL at a running server"; exit 1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if pg_up; then
  say "PostgreSQL is up"
else
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$ver" ] || { say "no PostgreSQL cluster found under /etc/postgresql"; exit 1; }
  say "starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  # A freshly installed cluster uses peer auth; Galley's local default is trust on loopback.
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  if is_root && ! grep -q "galley-trust" "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust # galley-trust\nhost all all ::1/128 trust # galley-trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { say "PostgreSQL did not start"; exit 1; }
  say "PostgreSQL is up"
fi

if redis_up; then
  say "Redis is up"
else
  if [ -n "$(redis_pass)" ]; then
    say "Redis at $(redis_host):$(redis_port) does not answer with the password in REDIS_URL; start it with: bash scripts/galley-redis.sh <data-dir>"
    exit 1
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port "$(redis_port)" --save "" --appendonly no \
    --maxmemory-policy noeviction --dir /tmp --logfile /tmp/galley-redis.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { say "Redis did not start"; exit 1; }
  say "Redis is up"
fi

# Container nodes run on Galley's Docker bridge (GALLEY_NODE_SUBNET; the executor's default is the
# same) and reach PostgreSQL at its gateway. From there every login asks a password (scram-sha-256;
# never the 127.0.0.1 trust line), the superuser and the metadata database are refused outright.
# The lines go first so no broader line can match before them; PostgreSQL is reloaded, not restarted.
node_subnet=${GALLEY_NODE_SUBNET:-172.29.213.0/24}
pg_admin_url="${DATABASE_URL%%\?*}"; pg_admin_url="${pg_admin_url%/*}/postgres"
meta_db=$(echo "${DATABASE_URL%%\?*}" | sed -E 's#.*/##')
hba=$(psql "$pg_admin_url" -Atc 'show hba_file' 2>/dev/null || true)
if [ -n "$hba" ] && [ -w "$hba" ]; then
  want=$(printf '%s\n' \
    "host all postgres $node_subnet reject # galley-nodes" \
    "host ${meta_db:-galley} all $node_subnet reject # galley-nodes" \
    "host all all $node_subnet scram-sha-256 # galley-nodes")
  if [ "$(grep '# galley-nodes$' "$hba" || true)" != "$want" ]; then
    tmp=$(mktemp) && { printf '%s\n' "$want"; grep -v '# galley-nodes$' "$hba"; } >"$tmp" && cat "$tmp" >"$hba" && rm -f "$tmp"
    psql "$pg_admin_url" -Atqc 'select pg_reload_conf()' >/dev/null
    say "PostgreSQL asks container nodes ($node_subnet) for a password (pg_hba reloaded)"
  fi
  bad=$(psql "$pg_admin_url" -Atc 'select count(*) from pg_hba_file_rules where error is not null' 2>/dev/null || echo "?")
  [ "$bad" = 0 ] || say "warning: pg_hba.conf has $bad invalid line(s): see select * from pg_hba_file_rules"
else
  say "cannot edit pg_hba.conf here (not local or not writable): container nodes on $node_subnet will be refused until it has: host all all $node_subnet scram-sha-256"
fi

policy=$(redis_cli config get maxmemory-policy | tail -1)
if [ "$policy" != noeviction ]; then
  say "Redis maxmemory-policy is '$policy'; BullMQ needs noeviction. Set it with: redis-cli config set maxmemory-policy noeviction"
  exit 1
fi
