#!/usr/bin/env bash
# Starts the debug build of Quire on a new SQLite database filled with known data:
# 3 writers, 48 generated posts, then one post whose title and content are HTML.
set -euo pipefail
cd "$(dirname "$0")/.."
quire=target/debug/quire
[[ -x "$quire" ]] || { echo "missing $quire: run 'cargo leptos build' first" >&2; exit 1; }
export DATABASE_URL="sqlite://target/e2e/site.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="target/site"
export QUIRE_OUTBOX="target/e2e/outbox"
rm -rf target/e2e && mkdir -p target/e2e
"$quire" db reset --yes
"$quire" db seed --users 3 --posts 48
"$quire" post new --author writer1 \
  --title '<script>window.__xss = 1</script> & <b>not bold</b>' \
  --content $'<img src=x onerror="window.__xss = 1">\nThis is the second line.'
exec "$quire" serve
