#!/usr/bin/env bash
# Starts Galley with demo data: services, migrations, seed, web on :3000 and the worker.
# Safe to run again. GALLEY_INSTALL_DOCKER=1 lets it install Docker (as root) when missing.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
T0=$(date +%s)
install_deps
ensure_services
if ! ensure_docker; then
  echo "!! Docker engine unavailable: container nodes will not run. Set GALLEY_EXECUTOR=local to run them as local processes (marked in the UI)."
fi
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/galley}
export GALLEY_DATA_DIR=${GALLEY_DATA_DIR:-$ROOT/.galley}
mkdir -p "$GALLEY_DATA_DIR"
# The demo's queue is a Redis of its own that asks for a password (kept in the data dir); web and
# worker get it in REDIS_URL. A REDIS_URL you set is used as it is.
if [ -z "${REDIS_URL:-}" ]; then
  step "Redis with a password"
  REDIS_URL=$(bash "$ROOT/scripts/galley-redis.sh" "$GALLEY_DATA_DIR")
fi
export REDIS_URL
step "database migrations"
pnpm -s db:migrate
step "demo data"
pnpm -s db:seed
step "building the web app"
pnpm --filter @galley/web build >"$GALLEY_DATA_DIR/web-build.log" 2>&1 || { tail -40 "$GALLEY_DATA_DIR/web-build.log"; exit 1; }

step "starting the worker and the web app"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
# exec node directly (not through pnpm) so the pids we hold are the servers themselves.
# The demo's alert routes point at this local receiver (webhooks :3999, SMTP :2525): it prints each alert.
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:2525}
# Alert webhooks may not reach loopback unless allowed: the demo allows its receiver only.
export GALLEY_ALERT_ALLOW_HOSTS=${GALLEY_ALERT_ALLOW_HOSTS:-127.0.0.1:3999}
(exec node --import tsx scripts/alert-receiver.ts) &
pids+=($!)
(cd apps/worker && exec node --import tsx src/main.ts) &
pids+=($!)
(cd apps/web && PORT="${PORT:-3000}" exec node start.mjs) &
pids+=($!)
for _ in $(seq 1 60); do curl -fs "http://localhost:${PORT:-3000}/api/health" >/dev/null 2>&1 && break; sleep 1; done
echo
echo "Galley is up at http://localhost:${PORT:-3000} (ready in $(( $(date +%s) - T0 )) s)"
echo "Sign in as padma@galley.local (developer), chris@galley.local (DataOps), eric@galley.local (production),"
echo "maya@galley.local (manager) or admin@galley.local, password: galley-demo-2026"
echo "Alerts of the demo Kitchens go to the local receiver: see this terminal and $GALLEY_DATA_DIR/alerts.log."
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
