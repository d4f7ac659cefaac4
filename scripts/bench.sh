#!/usr/bin/env bash
# Benchmark of the release build on loopback: requests per second and p50/p99 latency (wrk) for the
# home page, its deepest and middle pages, /users, a user page, a post page and searches, at 10,000 and at
# 1,000,000 posts (SQLite, 100 users), both as served (anonymous visitors get kept pages) and as
# rendered (the cache bypassed), and the home page revalidated with its ETag (a 304); the same home page from a hand-written axum + sqlx handler
# (server/examples/plain_home.rs) run side by side, with its JSON handler for list_posts, and three
# ratios: list_posts as JSON, the home page for a logged-in visitor (kept for that user, and
# rendered), and the anonymous home page (page cache), each beside the hand-written handler; queries per anonymous home
# page; peak memory; and the WASM + JS bundle sizes, raw and brotli.
#
# Usage: scripts/bench.sh [--sizes "10000 1000000"] [--duration SECONDS] [--connections N] [--no-build]
# Installs what it lacks (wrk, the release tools), builds the release site, then measures.
# --no-build measures the release build already in target/ as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

sizes="10000 1000000"
duration=10
connections=32
threads=2
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --no-build) build=; shift ;;
    *) echo "unknown option: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

[[ -n "$build" ]] && echo "== Building the release site and the hand-written handler"
prepare_release_bench "$build"
# The variables cargo-leptos sets for its release build, so the example reuses its artifacts.
(export_leptos_build_env release; cargo build --release -p server --example plain_home)

quire=target/release/quire
plain=target/release/examples/plain_home
quire_addr=127.0.0.1:3300
plain_addr=127.0.0.1:3301
bench_workspace


# wrk's figures for one URL as "req/s p50 p99" (latencies in ms); extra arguments go to wrk.
measure() {
  local url=$1
  shift
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url" | wrk_summary
}

# Quire's memory in MB from /proc: `memory_mb` its peak RSS so far, `memory_mb VmRSS` its RSS now;
# "-" when Quire is not running.
memory_mb() {
  local field=${1:-VmHWM}
  if [[ -n "${quire_pid:-}" && -r "/proc/$quire_pid/status" ]]; then
    awk -v field="$field:" '$1 == field { printf "%.0f", $2 / 1024 }' "/proc/$quire_pid/status"
  else
    echo "-"
  fi
}

# BASE -> the session cookie (quire_session=…) of the demo user writer1, logged in by a form post.
log_in() {
  curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data 'email=writer1%40example.com&password=password' "$1/api/login" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 ~ /^quire_session=/ { print $2 }'
}

# $1 as a multiple of $2, two decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# One result line; the last column is Quire's peak RSS so far, so the row that raised it shows.
row() {
  local peak
  peak=$(memory_mb)
  printf '%-44s %10s %10s %10s %8s %s\n' "$1" "$2" "$3" "$4" "$peak" "${*:5}"
}

# Statements in sqlx's log so far, but the publisher's once-a-second look for due scheduled posts.
page_queries() {
  grep 'sqlx::query' "$1" | grep -vc "status = 'scheduled'" || true
}

# Statements two anonymous requests for the home page cost (the first renders it, the second is
# served kept), from sqlx's statement log of a server started for the purpose.
count_queries() {
  local db=$1 log="$dir/queries.log" counts=()
  DATABASE_URL="sqlite://$db" LEPTOS_SITE_ADDR=127.0.0.1:3302 LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" \
    RUST_LOG=warn,sqlx::query=debug "$quire" serve 2>"$log" &
  local pid=$!
  wait_for_url http://127.0.0.1:3302/about
  for _ in 1 2; do
    sleep 0.5
    local before
    before=$(page_queries "$log")
    curl -sf -o /dev/null http://127.0.0.1:3302/
    sleep 0.5
    counts+=($(( $(page_queries "$log") - before )))
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "queries per anonymous home page: ${counts[0]} when rendered, ${counts[1]} when kept"
}

echo
echo "Quire benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), release build, SQLite, 100 users"
echo "wrk: $threads threads, $connections connections (1 for the '1 client' row), ${duration} s per row; 'served' is what anonymous visitors get (kept pages),"
echo "'rendered' bypasses the page cache (a cookie named quire_*), so every request renders the page."
bypass='Cookie: quire_bench=1'
# wrk posts list_posts' arguments as the app's own client does: JSON, from the same site.
cat >"$dir/list_posts.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"page":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA
for posts in $sizes; do
  db="$dir/bench-$posts.db"
  echo
  echo "== $posts posts"
  start=$(date +%s.%N)
  DATABASE_URL="sqlite://$db" "$quire" db seed --users 100 --posts "$posts" >/dev/null
  echo "seeded in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  DATABASE_URL="sqlite://$db" LEPTOS_SITE_ADDR=$quire_addr LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" \
    RUST_LOG=warn "$quire" serve >/dev/null 2>&1 &
  quire_pid=$!
  pids+=("$quire_pid")
  DATABASE_URL="sqlite://$db" "$plain" "$plain_addr" &
  plain_pid=$!
  pids+=("$plain_pid")
  wait_for_url "http://$quire_addr/about"
  wait_for_url "http://$plain_addr/"
  last=$(( (posts + 4) / 5 ))
  middle=$(( (last + 1) / 2 ))
  user=$(sqlite3 "$db" 'select username from users order by id limit 1')
  post=$(sqlite3 "$db" 'select id from posts order by id limit 1')
  printf '%-44s %10s %10s %10s %8s\n' "what" "req/s" "p50 ms" "p99 ms" "peak MB"
  read -r plain_rps rest <<<"$(measure "http://$plain_addr/")"
  row "hand-written axum + sqlx, home page" "$plain_rps" $rest
  read -r plain_json_rps rest <<<"$(measure "http://$plain_addr/api/list_posts" -s "$dir/list_posts.lua")"
  row "hand-written axum + sqlx, list_posts JSON" "$plain_json_rps" $rest
  read -r served_rps rest <<<"$(measure "http://$quire_addr/")"
  row "home page, served" "$served_rps" $rest
  # A browser holding the current page revalidates it (pages are private, no-cache): a 304.
  tag=$(curl -sf -o /dev/null -D - "http://$quire_addr/" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
  row "home page, revalidated (304)" $(measure "http://$quire_addr/" -H "If-None-Match: $tag")
  read -r rendered_rps rest <<<"$(measure "http://$quire_addr/" -H "$bypass")"
  row "home page, rendered" "$rendered_rps" $rest
  # What the app in the browser asks for when it shows the home page: the same page as JSON,
  # answered from the kept reads after the first request (the stamp query only).
  read -r json_rps rest <<<"$(measure "http://$quire_addr/api/list_posts" -s "$dir/list_posts.lua")"
  row "list_posts page 1, JSON (navigation, kept)" "$json_rps" $rest
  # A logged-in visitor's page is kept for that user: a repeat visit costs the session and the
  # stamp; the first visit after a write renders (the quire_bench cookie forces that here).
  session=$(log_in "http://$quire_addr")
  read -r member_rps rest <<<"$(measure "http://$quire_addr/" -H "Cookie: $session")"
  row "home page, logged-in visitor, kept" "$member_rps" $rest
  read -r member_rendered_rps rest <<<"$(measure "http://$quire_addr/" -H "Cookie: $session; quire_bench=1")"
  row "home page, logged-in visitor, rendered" "$member_rendered_rps" $rest
  row "deepest page ($last), served" $(measure "http://$quire_addr/?page=$last")
  row "deepest page ($last), rendered" $(measure "http://$quire_addr/?page=$last" -H "$bypass")
  row "middle page ($middle), rendered" $(measure "http://$quire_addr/?page=$middle" -H "$bypass")
  row "middle page ($middle), rendered, 1 client" $(threads=1 connections=1 measure "http://$quire_addr/?page=$middle" -H "$bypass")
  row "/users, served" $(measure "http://$quire_addr/users")
  row "/users, rendered" $(measure "http://$quire_addr/users" -H "$bypass")
  row "/user/$user, served" $(measure "http://$quire_addr/user/$user")
  row "/user/$user, rendered" $(measure "http://$quire_addr/user/$user" -H "$bypass")
  # Seeded posts carry one of 10 topic tags each, so a tag holds a tenth of the posts.
  tag_last=$(( (posts / 10 + 4) / 5 ))
  row "/tag/rust, served" $(measure "http://$quire_addr/tag/rust")
  row "/tag/rust, rendered" $(measure "http://$quire_addr/tag/rust" -H "$bypass")
  row "/tag/rust, rendered, 1 client" $(threads=1 connections=1 measure "http://$quire_addr/tag/rust" -H "$bypass")
  row "/tag/rust deepest page ($tag_last), rendered" $(measure "http://$quire_addr/tag/rust?page=$tag_last" -H "$bypass")
  row "/tags, rendered" $(measure "http://$quire_addr/tags" -H "$bypass")
  row "/post/$post, served" $(measure "http://$quire_addr/post/$post")
  row "/post/$post, rendered" $(measure "http://$quire_addr/post/$post" -H "$bypass")
  # Search pages are never kept: every request ranks and renders.
  row "/search, a word in 1 post of 4 (patience)" $(measure "http://$quire_addr/search?q=patience")
  row "/search, a word in 1 post of 4, 1 client" $(threads=1 connections=1 measure "http://$quire_addr/search?q=patience")
  row "/search, a word in 1 title of 10 (chess)" $(measure "http://$quire_addr/search?q=chess")
  row "/search, two words (chess patience), page 3" $(measure "http://$quire_addr/search?q=chess%20patience&page=3")
  row "/search, two words, page 3, 1 client" $(threads=1 connections=1 measure "http://$quire_addr/search?q=chess%20patience&page=3")
  row "/search, a word in one post ($posts)" $(measure "http://$quire_addr/search?q=$posts")
  row "/search, a word in no post" $(measure "http://$quire_addr/search?q=zyzzyva")
  echo
  echo "Quire beside hand-written axum + sqlx (the same run, the same database):"
  printf '%-48s %10s %13s %7s %s\n' "what" "Quire" "hand-written" "ratio" "goal"
  printf '%-48s %10s %13s %6sx %s\n' "list_posts page 1 as JSON" "$json_rps" "$plain_json_rps" \
    "$(ratio "$json_rps" "$plain_json_rps")" ">= 0.8x"
  printf '%-48s %10s %13s %6sx %s\n' "home page for a logged-in visitor (kept)" "$member_rps" \
    "$plain_rps" "$(ratio "$member_rps" "$plain_rps")" ">= 0.5x"
  printf '%-48s %10s %13s %6sx %s\n' "home page for a logged-in visitor (rendered)" "$member_rendered_rps" \
    "$plain_rps" "$(ratio "$member_rendered_rps" "$plain_rps")" ">= 0.5x"
  printf '%-48s %10s %13s %6sx %s\n' "home page, anonymous (page cache)" "$served_rps" "$plain_rps" \
    "$(ratio "$served_rps" "$plain_rps")" ">= 0.5x"
  echo "(the home page rendered without a session, cache bypassed: $(ratio "$rendered_rps" "$plain_rps")x)"
  echo "memory: Quire's peak RSS $(memory_mb) MB, now $(memory_mb VmRSS) MB"
  kill "$quire_pid" "$plain_pid"
  wait "$quire_pid" "$plain_pid" 2>/dev/null || true
  count_queries "$db"
done

echo
echo "== Bundle (release, after wasm-opt; brotli -q 11), raw and brotli bytes"
report_bundle
