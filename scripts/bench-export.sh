#!/usr/bin/env bash
# Benchmark of the export on the release build: `quire export` of one author's blog at 1,000 and
# 10,000 posts, every post showing one of 100 pictures, with its peak memory (RSS), time and ZIP
# size; then "Export my blog" through the site while wrk loads the home page, beside the home
# page's rate without an export. SQLite.
#
# Usage: scripts/bench-export.sh [--no-build] [--duration SECONDS]
# --no-build measures the release build already in target/ (scripts/bench.sh builds it too).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=yes
duration=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=; shift ;;
    --duration) duration="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

prepare_release_bench "$build"
command -v sqlite3 >/dev/null || apt_install sqlite3

quire=target/release/quire
addr=127.0.0.1:3320
dir=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# Serves database $1 in the background until `stop_server`.
start_server() {
  DATABASE_URL="$1" LEPTOS_SITE_ADDR=$addr LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" QUIRE_LOG=warn \
    "$quire" serve >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://$addr/healthz" >/dev/null && return
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 1
}
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# The session cookie (quire_session=…) of writer1.
log_in() {
  curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data 'email=writer1%40example.com&password=password' "http://$addr/api/login" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 ~ /^quire_session=/ { print $2 }'
}

# 100 photos of 1200 × 800 pixels of noise (they compress badly, as photos do), as PNG files.
python3 - "$dir" <<'PY'
import os, struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
for n in range(100):
    width, height = 1200, 800
    rows = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")
    open(os.path.join(sys.argv[1], f"photo{n}.png"), "wb").write(png)
PY

# A database of one author with $1 posts, each showing one of 100 uploaded pictures.
make_blog() {
  local posts=$1 db="sqlite://$dir/blog-$1.db"
  "$quire" --database-url "$db" db seed --users 1 --posts "$posts" >/dev/null
  start_server "$db"
  local cookie
  cookie=$(log_in)
  for n in $(seq 0 99); do
    curl -sf -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "$cookie" \
      -F "alt=Photo $n" -F "picture=@$dir/photo$n.png" "http://$addr/pictures"
  done
  stop_server
  sqlite3 "$dir/blog-$posts.db" <<SQL
update posts set content = content || char(10) || char(10) || '![Photo](/pictures/'
  || (select hash from pictures where pictures.id = 1 + posts.id % 100) || '.jpg)';
insert into post_pictures (post_id, picture_id) select id, 1 + id % 100 from posts;
SQL
}

echo "date: $(date -u +%Y-%m-%d), machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
printf '%-8s %-9s %-9s %-12s %-9s\n' posts pictures zip_MB peak_RSS_MB seconds
for posts in 1000 10000; do
  make_blog "$posts"
  /usr/bin/time -f '%M %e' -o "$dir/time" \
    "$quire" --database-url "sqlite://$dir/blog-$posts.db" export --user writer1 --output "$dir/export.zip" >/dev/null
  read -r rss seconds <"$dir/time"
  size=$(stat -c %s "$dir/export.zip")
  pictures=$(unzip -l "$dir/export.zip" 2>/dev/null | grep -c ' pictures/' || true)
  printf '%-8s %-9s %-9.1f %-12.1f %-9s\n' "$posts" "$pictures" "$(echo "$size / 1048576" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)" "$seconds"
done

echo
echo "Export my blog (10,000 posts) through the site while wrk loads / with 32 connections for ${duration} s:"
start_server "sqlite://$dir/blog-10000.db"
cookie=$(log_in)
rate() { wrk -t2 -c32 -d"${duration}s" "http://$addr/" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }'; }
alone=$(rate)
rss_before=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
rate >"$dir/loaded" &
wrk_pid=$!
started=$(date +%s.%N)
curl -sf -o "$dir/http.zip" -b "$cookie" "http://$addr/account/export"
took=$(echo "$(date +%s.%N) - $started" | bc -l)
wait "$wrk_pid"
peak=$(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
printf 'home page alone: %s req/s; during the export: %s req/s\n' "$alone" "$(cat "$dir/loaded")"
printf 'export: %.1f s, %.1f MB; server RSS before %s MB, peak %s MB\n' "$took" \
  "$(echo "$(stat -c %s "$dir/http.zip") / 1048576" | bc -l)" "$rss_before" "$peak"
stop_server
