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
redis_cli() { redis-cli -h "$(redis_host)" -p "$(redis_port)" "$@"; }
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
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port "$(redis_port)" --save "" --appendonly no \
    --maxmemory-policy noeviction --dir /tmp --logfile /tmp/galley-redis.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { say "Redis did not start"; exit 1; }
  say "Redis is up"
fi

policy=$(redis_cli config get maxmemory-policy | tail -1)
if [ "$policy" != noeviction ]; then
  say "Redis maxmemory-policy is '$policy'; BullMQ needs noeviction. Set it with: redis-cli config set maxmemory-policy noeviction"
  exit 1
fi
