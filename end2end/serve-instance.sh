#!/usr/bin/env bash
# Starts one of two Quire instances sharing the Postgres database E2E_PAIR_DATABASE_URL, on port
# E2E_PORT. The first (no E2E_FIRST_PORT) empties and seeds the database; the second waits for
# the first to be ready. Both write mail to one outbox, as instances behind one mail relay would.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
quire=${E2E_BIN:-target/debug/quire}
[[ -x "$quire" ]] || { echo "missing $quire: run 'cargo leptos build' first" >&2; exit 1; }
: "${E2E_PAIR_DATABASE_URL:?set by end2end/run-instances.sh}"
data=target/e2e-pair
export DATABASE_URL="$E2E_PAIR_DATABASE_URL"
export LEPTOS_SITE_ADDR="127.0.0.1:$E2E_PORT"
export LEPTOS_SITE_ROOT="${E2E_SITE_ROOT:-target/site}"
export QUIRE_OUTBOX="$data/outbox"
unset LEPTOS_HASH_FILES
if [[ -z "${E2E_FIRST_PORT:-}" ]]; then
  rm -rf "$data" && mkdir -p "$data"
  "$quire" db reset --yes
  "$quire" db seed --users 3 --posts 12
else
  wait_for_url "http://127.0.0.1:$E2E_FIRST_PORT/readyz" 1200 || true
fi
exec "$quire" serve
