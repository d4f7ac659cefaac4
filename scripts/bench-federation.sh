#!/usr/bin/env bash
# Benchmark of federation on the release build: the inbox's throughput for signed `Follow`s (each
# from a different remote actor, first with every key fetched, then with the keys kept), and the
# home page's rate (wrk) before, and while the `Accept`s of those follows wait in the delivery
# queue (the remote inboxes answer 503, so at least 1,000 stay queued and are retried).
# SQLite, 10,000 posts; --postgres URL runs it on that database.
#
# Usage: scripts/bench-federation.sh [--no-build] [--followers N] [--concurrency N]
#        [--duration SECONDS] [--postgres URL]
# --no-build measures the release build already in target/ (scripts/bench.sh builds it too).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=yes
followers=1000
concurrency=8
duration=10
postgres=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=; shift ;;
    --followers) followers="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --postgres) postgres="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

prepare_release_bench "$build"
(export_leptos_build_env release; cargo build --release -p server --example federation_inbox)
command -v sqlite3 >/dev/null || apt_install sqlite3

quire=target/release/quire
client=target/release/examples/federation_inbox
addr=127.0.0.1:3340
bench_workspace

database=${postgres:-sqlite://$dir/site.db}
backend=SQLite
[[ -n "$postgres" ]] && backend=Postgres
"$quire" --database-url "$database" db reset --yes >/dev/null
"$quire" --database-url "$database" db seed --users 10 --posts 10000 >/dev/null
# Federation over plain http to this machine, as the remote server here needs; no per-server
# limit, since every follow comes from the one remote server.
DATABASE_URL="$database" LEPTOS_SITE_ADDR=$addr LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" RUST_LOG=warn \
  QUIRE_PUBLIC_URL="http://$addr" QUIRE_FEDERATION_INSECURE=1 QUIRE_FEDERATION_HOST_RATE=100000000 \
  "$quire" serve >"$dir/server.log" 2>&1 &
pids+=("$!")
wait_for_url "http://$addr/readyz" 100

rate() {
  wrk -t2 -c32 -d"${duration}s" --latency "http://$addr/" | wrk_summary |
    awk '{ printf "%s req/s, p50 %s ms, p99 %s ms %s", $1, $2, $3, $4 }'
}
queued() {
  local sql="select count(*) from deliveries where failed_at is null"
  if [[ -n "$postgres" ]]; then psql -Atq "$postgres" -c "$sql"; else sqlite3 "$dir/site.db" "$sql"; fi
}

echo "date: $(date -u +%Y-%m-%d), machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), database: $backend, 10,000 posts"
rate >/dev/null
alone=$(rate)
"$client" "http://$addr" writer1 "$followers" "$concurrency" $((duration * 2 + 30)) >"$dir/client.log" 2>&1 &
pids+=("$!")
client_pid=${pids[-1]}
for _ in $(seq 1200); do
  grep -q '^holding' "$dir/client.log" && break
  if ! kill -0 "$client_pid" 2>/dev/null; then cat "$dir/client.log" >&2; exit 1; fi
  sleep 0.5
done
grep -q '^holding' "$dir/client.log" || { cat "$dir/client.log" >&2; exit 1; }
waiting=$(queued)
rate >/dev/null
loaded=$(rate)
value() { awk -v key="$1" '$1 == key { print $2 }' "$dir/client.log"; }
printf 'signed Follows, %s remote actors, %s at a time, keys fetched: %s/s, p50 %s ms, p99 %s ms\n' \
  "$followers" "$concurrency" "$(value cold_per_sec)" "$(value cold_p50_ms)" "$(value cold_p99_ms)"
printf 'signed Follows, the same actors again, keys kept: %s/s, p50 %s ms, p99 %s ms\n' \
  "$(value warm_per_sec)" "$(value warm_p50_ms)" "$(value warm_p99_ms)"
printf 'answers other than 202: %s\n' "$(value refused)"
printf 'home page, delivery queue empty: %s\n' "$alone"
printf 'home page, %s deliveries queued: %s\n' "$waiting" "$loaded"
