#!/usr/bin/env bash
# A Redis of Galley's own that asks for a password (the demo's; shared test servers stay as they
# are). Usage: galley-redis.sh <data-dir> [port]. Prints the REDIS_URL (password included) on stdout.
# The password is made once and kept in <data-dir>/redis/redis.conf (0600), never on a command line
# (it would show in ps). Idempotent: a server already answering on the port with it is reused.
set -euo pipefail
DATA_DIR=${1:?usage: galley-redis.sh <data-dir> [port]}
PORT=${2:-${GALLEY_REDIS_PORT:-6380}}
DIR="$DATA_DIR/redis"
CONF="$DIR/redis.conf"
say() { echo "[galley-redis] $*" >&2; }

command -v redis-server >/dev/null || { say "redis-server is not installed (scripts/services.sh installs it as root)"; exit 1; }
mkdir -p "$DIR"
chmod 700 "$DIR"
if [ ! -s "$CONF" ]; then
  umask 077
  pw=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
  cat >"$CONF" <<EOF
# Written by scripts/galley-redis.sh. Galley's queue: no eviction (BullMQ loses jobs otherwise).
bind 127.0.0.1
protected-mode yes
port $PORT
requirepass $pw
maxmemory-policy noeviction
save ""
appendonly no
daemonize yes
dir $DIR
pidfile $DIR/redis.pid
logfile $DIR/redis.log
EOF
fi
pw=$(sed -n 's/^requirepass //p' "$CONF")
conf_port=$(sed -n 's/^port //p' "$CONF")
[ "$conf_port" = "$PORT" ] || { say "$CONF is for port $conf_port, not $PORT: remove it or pass $conf_port"; exit 1; }

# REDISCLI_AUTH keeps the password off redis-cli's command line.
ping() { REDISCLI_AUTH="$pw" redis-cli --no-auth-warning -h 127.0.0.1 -p "$PORT" ping 2>&1 || true; }
reply=$(ping)
if [ "$reply" != PONG ]; then
  if echo "$reply" | grep -qiE 'NOAUTH|WRONGPASS|invalid password|auth'; then
    say "something else answers on 127.0.0.1:$PORT and does not take Galley's password: set GALLEY_REDIS_PORT"
    exit 1
  fi
  redis-server "$CONF"
  for _ in $(seq 1 40); do [ "$(ping)" = PONG ] && break; sleep 0.25; done
  [ "$(ping)" = PONG ] || { say "Redis did not start on 127.0.0.1:$PORT (see $DIR/redis.log)"; exit 1; }
  say "started Redis with a password on 127.0.0.1:$PORT"
fi
echo "redis://:$pw@127.0.0.1:$PORT"
