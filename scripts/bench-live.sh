#!/usr/bin/env bash
# Benchmark of live pages on the release build: 1,000 streams (`GET /live`) open on one instance,
# the memory they take (the server's RSS with half of them open and with all, so that what one
# stream takes is told apart from what opening any costs once), the time for one published post to
# reach every stream (p50, p99, max over 20 posts), and the home page's rate (wrk) without the
# streams and while they are open. SQLite, 10,000 posts; --postgres URL runs it on that database.
#
# Usage: scripts/bench-live.sh [--no-build] [--streams N] [--duration SECONDS] [--postgres URL]
# --no-build measures the release build already in target/ (scripts/bench.sh builds it too).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=yes
streams=1000
duration=10
postgres=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=; shift ;;
    --streams) streams="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --postgres) postgres="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

prepare_release_bench "$build"
(export_leptos_build_env release; cargo build --release -p server --example live_streams)

# Each stream is a connection on both ends: room for them.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

quire=target/release/quire
client=target/release/examples/live_streams
addr=127.0.0.1:3330
bench_workspace

database=${postgres:-sqlite://$dir/site.db}
backend=SQLite
[[ -n "$postgres" ]] && backend=Postgres
"$quire" --database-url "$database" db reset --yes >/dev/null
"$quire" --database-url "$database" db seed --users 10 --posts 10000 >/dev/null
DATABASE_URL="$database" LEPTOS_SITE_ADDR=$addr LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" RUST_LOG=warn \
  QUIRE_LIVE_STREAMS_PER_CLIENT=$((streams + 10)) "$quire" serve >"$dir/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
wait_for_url "http://$addr/readyz" 100

rss() { awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status"; }
rate() {
  wrk -t2 -c32 -d"${duration}s" --latency "http://$addr/" | wrk_summary |
    awk '{ printf "%s req/s, p50 %s ms, p99 %s ms %s", $1, $2, $3, $4 }'
}

echo "date: $(date -u +%Y-%m-%d), machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), database: $backend, 10,000 posts"
rate >/dev/null
alone=$(rate)
before=$(rss)
"$client" "http://$addr" "$database" "$streams" 20 $((duration * 2 + 30)) >"$dir/client.log" 2>&1 &
pids+=("$!")
client_pid=${pids[-1]}
# Waits until the client prints a line starting with $1.
await_client() {
  for _ in $(seq 600); do
    grep -q "^$1" "$dir/client.log" && return
    if ! kill -0 "$client_pid" 2>/dev/null; then cat "$dir/client.log" >&2; exit 1; fi
    sleep 0.5
  done
  cat "$dir/client.log" >&2
  exit 1
}
await_client half
sleep 2
half=$(rss)
await_client holding
with=$(rss)
value() { awk -v key="$1" '$1 == key { print $2 }' "$dir/client.log"; }
rate >/dev/null
loaded=$(rate)
printf 'streams open: %s (opened in %s s)\n' "$(value opened)" "$(value open_seconds)"
printf 'server RSS: %s MB without streams, %s MB with %s, %s MB with %s: %.1f KB per stream\n' \
  "$before" "$half" $((streams / 2)) "$with" "$streams" \
  "$(echo "($with - $half) * 1024 / ($streams - $streams / 2)" | bc -l)"
printf 'one post to every stream (%s posts): p50 %s ms, p99 %s ms, max %s ms\n' "$(value events)" \
  "$(value p50_ms)" "$(value p99_ms)" "$(value max_ms)"
printf 'home page without streams: %s\n' "$alone"
printf 'home page with %s streams open: %s\n' "$streams" "$loaded"
