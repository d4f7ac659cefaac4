#!/usr/bin/env bash
# Runs Quire's tests. With no argument, every test once, in these stages (what CI runs):
#   rust     unit, repository (SQLite, and Postgres when reachable) and HTTP tests
#   release  the release build, and every Playwright test in Chromium against it: the seeded
#            site, an imported Flaskblog, two instances on one Postgres database
#   stress   the stress harness at a small scale against the release build
# One more stage runs only when asked for, while working on the app:
#   e2e      the same Playwright tests against the debug build (what scripts/run.sh serves)
# `scripts/test.sh STAGE...` runs only those stages; `scripts/test.sh --quick` runs the Rust tests
# on SQLite only. docs/testing.md says how long each takes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

quick=
stages=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    rust | e2e | release | stress) stages+=("$arg") ;;
    *) echo "unknown stage: $arg (rust, e2e, release, stress or --quick)" >&2; exit 2 ;;
  esac
done
if [[ -n "$quick" ]]; then
  stages=(rust)
elif [[ ${#stages[@]} -eq 0 ]]; then
  stages=(rust release stress)
fi
wants() { [[ " ${stages[*]} " == *" $1 "* ]]; }

# A clean CI clone builds every crate once: incremental caches would only take disk space.
if [[ -n "${CI:-}" ]]; then
  export CARGO_INCREMENTAL=0
fi

ensure_build_tools
ensure_flaskblog_fixture
if wants e2e || wants release; then ensure_test_tools; fi
if wants release || wants stress; then ensure_release_tools; fi
ensure_stress_tools
echo "== Flaskblog fixture for the importer: $FLASKBLOG_FIXTURE"

# Postgres: use TEST_POSTGRES_URL if given; otherwise the local server when one answers (starting
# a stopped local cluster if this machine has one); otherwise skip the Postgres tests and say so.
# --quick runs on SQLite alone.
if [[ -n "$quick" ]]; then
  unset TEST_POSTGRES_URL
  echo "== --quick: the Rust tests on SQLite only (Postgres scenarios report that they are skipped)"
elif [[ -z "${TEST_POSTGRES_URL:-}" ]] && command -v pg_isready >/dev/null; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    sleep 2
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
  fi
fi
if [[ -z "$quick" ]]; then
  if [[ -n "${TEST_POSTGRES_URL:-}" ]]; then
    echo "== Repository and HTTP tests run on SQLite and on Postgres (TEST_POSTGRES_URL is set)"
  else
    echo "== TEST_POSTGRES_URL is not set and no local Postgres answers: Postgres tests are SKIPPED"
  fi
fi

timings=()
stage_started=
begin() { stage_started=$(date +%s); echo "== $1"; }
done_stage() { timings+=("$(printf '%-9s %4d s' "$1" $(($(date +%s) - stage_started)))"); }

# Every Playwright suite against one build: BIN and SITE_ROOT, on ports from PORT up.
playwright_suites() {
  local bin=$1 site_root=$2 port=$3
  export E2E_BIN=$bin E2E_SITE_ROOT=$site_root
  echo "== Playwright in Chromium ($bin): the seeded site, reading then writing"
  (cd end2end && E2E_PORT=$port npx playwright test)
  echo "== Playwright: a Flaskblog imported with 'quire import flaskblog'"
  (cd end2end && E2E_IMPORTED_PORT=$((port + 100)) npx playwright test -c imported.config.ts)
  if [[ -n "${TEST_POSTGRES_URL:-}" ]]; then
    echo "== Playwright: two instances on one Postgres database"
    end2end/run-instances.sh "$TEST_POSTGRES_URL"
  else
    echo "== No Postgres: the two-instance scenario is SKIPPED"
  fi
  unset E2E_BIN E2E_SITE_ROOT
}

if wants rust; then
  begin "Unit, repository and HTTP tests"
  # Tests run side by side; the few that need the whole process (marked #[ignore]) then run
  # alone. cargo-leptos' debug-build variables apply to this step only (a subshell), so they
  # reach neither the release build nor the release binary.
  (
    export_leptos_build_env
    cargo test --no-fail-fast -p app -p server --features app/ssr
    if [[ -z "$quick" ]]; then
      cargo test -p server --features app/ssr --test it -- --ignored --test-threads=1
    fi
  )
  done_stage rust
fi

if wants e2e; then
  begin "Debug build"
  build_debug
  done_stage build
  report_disk
  begin "End-to-end tests (debug build)"
  playwright_suites target/debug/quire target/site 3100
  done_stage e2e
fi

if wants release; then
  report_disk
  if [[ -n "${CI:-}" ]]; then
    echo "== CI: removing the debug artifacts before the release build, to keep disk use down"
    rm -rf target/debug target/front/wasm32-unknown-unknown/debug
  fi
  begin "Release build"
  build_release
  done_stage build
  report_disk
  # The browser runs the WASM that ships: hydration, navigation and the CSP are tested on it.
  begin "End-to-end tests (release build)"
  playwright_suites target/release/quire "$RELEASE_SITE_ROOT" 3200
  done_stage release
fi

if wants stress; then
  if [[ ! -x target/release/quire || ! -d "$RELEASE_SITE_ROOT/pkg" ]]; then
    begin "Release build (for the stress harness)"
    build_release
    done_stage build
  fi
  begin "Stress harness at a small scale (release build): writers, crash, outage, load, hostile input"
  ./scripts/stress.sh --release --small
  done_stage stress
fi

echo "== Stage times"
printf '   %s\n' "${timings[@]}"
