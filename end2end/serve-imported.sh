#!/usr/bin/env bash
# Starts Quire on port E2E_PORT on a new SQLite database holding nothing but a Flaskblog moved in
# by `quire import flaskblog`: the fixture in FLASKBLOG_FIXTURE (see scripts/lib.sh), copied
# first because the fixture is read-only.
set -euo pipefail
cd "$(dirname "$0")/.."
quire=${E2E_BIN:-target/debug/quire}
[[ -x "$quire" ]] || { echo "missing $quire: run 'cargo leptos build' first" >&2; exit 1; }
: "${FLASKBLOG_FIXTURE:?set by ensure_flaskblog_fixture in scripts/lib.sh}"
data="$PWD/target/e2e-imported-${E2E_PORT:-3300}"
export DATABASE_URL="sqlite://$data/site.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3300}"
export LEPTOS_SITE_ROOT="${E2E_SITE_ROOT:-target/site}"
export QUIRE_OUTBOX="$data/outbox"
unset LEPTOS_HASH_FILES
export RUST_LOG=${RUST_LOG:-warn}
rm -rf "$data" && mkdir -p "$data/flaskblog"
cp -R "$FLASKBLOG_FIXTURE"/. "$data/flaskblog/"
"$quire" import flaskblog --from "sqlite:///$data/flaskblog/site.db" \
  --pictures "$data/flaskblog/static/profile_pics"
exec "$quire" serve
