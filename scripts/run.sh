#!/usr/bin/env bash
# Sets up everything that is missing, builds Quire and serves it at http://127.0.0.1:3000
# on the embedded default database (sqlite://site.db, created on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_tools
# --split: the pages are lazily loaded routes (see build_debug in lib.sh).
exec cargo leptos serve --split "$@"
