#!/usr/bin/env bash
# Benchmark: seeds a fresh SQLite database with POSTS posts, serves it on loopback, and prints the
# mean time of REQUESTS requests for the first, a middle and the last page of the home page.
# Usage: scripts/bench.sh [POSTS=10000] [REQUESTS=50]   (builds first if needed; uses the debug
# build unless QUIRE_BIN points at another binary)
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-10000}
requests=${2:-50}
quire=${QUIRE_BIN:-target/debug/quire}
[[ -x "$quire" ]] || { echo "build first: cargo leptos build" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR=127.0.0.1:3300 LEPTOS_SITE_ROOT=target/site
start=$(date +%s.%N)
"$quire" db seed --users 100 --posts "$posts"
echo "seed: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s for $posts posts"
"$quire" serve >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:3300/about && break; sleep 0.2; done
last=$(( (posts + 4) / 5 ))
for page in 1 $(( (last + 1) / 2 )) "$last"; do
  for _ in $(seq 1 "$requests"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:3300/?page=$page"
  done | awk -v page="$page" '{ sum += $1 } END { printf "page %-8s mean %.2f ms over %d requests\n", page, sum * 1000 / NR, NR }'
done
