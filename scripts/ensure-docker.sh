#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, starting (or, when allowed, installing) it.
# Exit 0: engine ready. Exit 3: no engine and none can be started (container nodes will not run).
# Idempotent: a running engine is left alone; a dockerd we started earlier is reused.
set -uo pipefail

LOG=${GALLEY_DOCKERD_LOG:-/tmp/galley-dockerd.log}
WAIT_S=${GALLEY_DOCKERD_WAIT_S:-30}

unavailable() {
  echo "Docker engine unavailable: container nodes will not run (use GALLEY_EXECUTOR=local)${1:+ — $1}" >&2
  exit 3
}

engine_up() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = "0" ]; }

start_dockerd() {
  # Another caller (a parallel test file) may be starting it right now: serialise on a lock.
  exec 9>/tmp/galley-dockerd.lock
  flock -w $((WAIT_S + 5)) 9 || unavailable "timed out waiting for another starter"
  if engine_up; then return 0; fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    # A dockerd killed with -9 leaves its pid file and socket behind, and refuses to start.
    rm -f /var/run/docker.pid
    echo "ensure-docker: starting dockerd (log: $LOG)" >&2
    nohup dockerd >"$LOG" 2>&1 </dev/null 9>&- &
    disown || true
  fi
  local i
  for ((i = 0; i < WAIT_S * 4; i++)); do
    if engine_up; then return 0; fi
    sleep 0.25
  done
  tail -n 20 "$LOG" >&2 2>/dev/null || true
  unavailable "dockerd did not answer within ${WAIT_S}s (see $LOG)"
}

if engine_up; then exit 0; fi

if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
  is_root || unavailable "docker does not answer (not running, or no access to /var/run/docker.sock) and starting dockerd needs root"
  start_dockerd
  exit 0
fi

if is_root && { [ "${GALLEY_INSTALL_DOCKER:-}" = "1" ] || [ "${CI:-}" = "true" ]; }; then
  echo "ensure-docker: installing docker.io from Debian's archive" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq docker.io >/dev/null; } || unavailable "apt-get install docker.io failed"
  start_dockerd
  exit 0
fi

unavailable "no dockerd installed (as root, set GALLEY_INSTALL_DOCKER=1 to install docker.io)"
