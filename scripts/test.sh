#!/usr/bin/env bash
# Runs every test: unit, integration (real PostgreSQL, Redis, git, Docker) and browser tests
# (Debian's Chromium). Installs and starts what they need first.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
T0=$(date +%s)
install_deps
ensure_services
if ! ensure_docker; then
  if [ "${CI:-}" = true ]; then echo "Docker engine is required in CI"; exit 1; fi
  echo "!! Docker engine unavailable: Docker executor tests will fail"
fi
ensure_chromium
mkdir -p .galley/test-results
rc=0
R=.galley/test-results
step "unit, integration and attack tests"
pnpm exec vitest run --project unit --project int --project attack --reporter=default --reporter=json --outputFile.json=$R/vitest.json || rc=1
step "browser tests"
# playwright.config.ts writes a JSON report to apps/web/playwright-report/results.json as well.
(cd apps/web && pnpm exec playwright test) || rc=1
# Faults and hosts stop and start services (private PostgreSQL, Redis and Docker engines, network
# namespaces): they run alone, after everything else, and reuse the browser tests' web build.
step "faults suite"
pnpm exec vitest run --project faults --passWithNoTests --reporter=default --reporter=json --outputFile.json=$R/faults.json || rc=1
step "hosts suite"
pnpm exec vitest run --project hosts --passWithNoTests --reporter=default --reporter=json --outputFile.json=$R/hosts.json || rc=1
node scripts/test-summary.mjs $R/vitest.json $R/faults.json $R/hosts.json apps/web/playwright-report/results.json
echo "total wall time: $(( $(date +%s) - T0 )) s"
exit $rc
