#!/usr/bin/env bash
# Starts Quire on a new SQLite database filled with known data: 3 writers, 48 generated posts,
# then one post whose title and content are HTML. The debug build by default; E2E_BIN and
# E2E_SITE_ROOT choose another build (the release run).
set -euo pipefail
cd "$(dirname "$0")/.."
quire=${E2E_BIN:-target/debug/quire}
[[ -x "$quire" ]] || { echo "missing $quire: run 'cargo leptos build' first" >&2; exit 1; }
data=target/e2e-${E2E_PORT:-3100}
export DATABASE_URL="sqlite://$data/site.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="${E2E_SITE_ROOT:-target/site}"
export QUIRE_OUTBOX="$data/outbox"
# Authors show their fediverse handle (federation on, though the address is plain http).
export QUIRE_FEDERATION=on
# The binary decides from the hash file next to it whether the bundle names are hashed.
unset LEPTOS_HASH_FILES
rm -rf "$data" && mkdir -p "$data"
"$quire" db reset --yes
"$quire" db seed --users 3 --posts 48
"$quire" post new --author writer1 \
  --title '<script>window.__xss = 1</script> & <b>not bold</b>' \
  --content $'<img src=x onerror="window.__xss = 1">\nThis is the second line.'
exec "$quire" serve
