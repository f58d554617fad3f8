# Shared by demo.sh and test.sh: installs the toolchain and the dependencies.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
export PRISMA_SCHEMA_ENGINE_BINARY=${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/false}

step() { echo; echo "==> $*"; }

ensure_pnpm() {
  if ! command -v pnpm >/dev/null || [ "$(pnpm --version 2>/dev/null | cut -d. -f1)" != 10 ]; then
    step "installing pnpm 10"
    npm install -g pnpm@10 >/dev/null 2>&1
  fi
}

install_deps() {
  ensure_pnpm
  step "installing dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent)
  bash "$ROOT/scripts/prisma-generate.sh"
}

ensure_services() {
  step "PostgreSQL and Redis"
  bash "$ROOT/scripts/services.sh"
}

# Docker is needed for container nodes. Returns 0 when the engine answers.
ensure_docker() {
  step "Docker engine"
  if bash "$ROOT/scripts/ensure-docker.sh"; then
    if [ -x "$ROOT/docker/runner/build.sh" ] || [ -f "$ROOT/docker/runner/build.sh" ]; then
      step "runner image"
      bash "$ROOT/docker/runner/build.sh"
    fi
    return 0
  fi
  return 1
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    step "installing Debian's chromium for browser tests"
    if [ "$(id -u)" != 0 ]; then echo "chromium is missing and we are not root: apt-get install chromium"; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}
