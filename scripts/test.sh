#!/usr/bin/env bash
# Runs every test: unit, repository (SQLite, and Postgres when reachable), HTTP, and Playwright in
# Chromium against the debug build, then the release build and Playwright's reading tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_build_tools
ensure_test_tools
ensure_release_tools
ensure_flaskblog_fixture
ensure_stress_tools
echo "== Flaskblog fixture for the importer: $FLASKBLOG_FIXTURE"

# Postgres: use TEST_POSTGRES_URL if given; otherwise the local server when one answers (starting
# a stopped local cluster if this machine has one); otherwise skip the Postgres tests and say so.
if [[ -z "${TEST_POSTGRES_URL:-}" ]] && command -v pg_isready >/dev/null; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    sleep 2
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
  fi
fi
if [[ -n "${TEST_POSTGRES_URL:-}" ]]; then
  echo "== Repository tests run on SQLite and on Postgres (TEST_POSTGRES_URL is set)"
else
  echo "== TEST_POSTGRES_URL is not set and no local Postgres answers: Postgres repository tests are SKIPPED"
fi

# A clean CI clone builds every crate once: incremental caches would only take disk space.
if [[ -n "${CI:-}" ]]; then
  export CARGO_INCREMENTAL=0
fi

echo "== Building (debug)"
build_debug
report_disk

echo "== Unit, repository and HTTP tests"
# Tests run side by side; the few that measure the whole process (marked #[ignore]) then run
# alone. cargo-leptos' debug-build variables apply to this step only (a subshell), so they reach
# neither the release build nor the release binary.
(
  export_leptos_build_env
  cargo test --no-fail-fast -p app -p server --features app/ssr
  cargo test -p server --features app/ssr --test it -- --ignored --test-threads=1
)

echo "== End-to-end tests in Chromium (debug build)"
(cd end2end && npx playwright test)

echo "== A Flaskblog imported with 'quire import flaskblog', in Chromium (debug build)"
(cd end2end && npx playwright test -c imported.config.ts)

if [[ -n "${TEST_POSTGRES_URL:-}" ]]; then
  echo "== Two instances on one Postgres database, in Chromium (debug build)"
  end2end/run-instances.sh "$TEST_POSTGRES_URL"
else
  echo "== No Postgres: the two-instance scenario is SKIPPED"
fi

report_disk
if [[ -n "${CI:-}" ]]; then
  echo "== CI: removing the debug build's artifacts before the release build, to keep disk use down"
  rm -rf target/debug target/front/wasm32-unknown-unknown/debug
fi

echo "== Release build"
build_release
report_disk
echo "== End-to-end reading tests in Chromium (release build: hydration, navigation, CSP)"
(cd end2end && E2E_BIN=target/release/quire E2E_SITE_ROOT="$RELEASE_SITE_ROOT" E2E_PORT=3200 \
  npx playwright test --project=reading)

echo "== Stress harness at a small scale (release build): writers, crash, outage, load, hostile input"
./scripts/stress.sh --release --small
