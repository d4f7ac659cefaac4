#!/usr/bin/env bash
# Quire's stress harness: concurrent writers, a crash under load, a database outage, mixed load
# with no hung responses, hostile input and a prompt exit after it, against a real server on 127.0.0.1:3500, on SQLite and
# on Postgres. Prints one line of figures per check and exits non-zero if any check fails.
#
# Usage: scripts/stress.sh [--release | --debug] [--backend sqlite|postgres|both] [--small]
#   --release (default) builds and runs the release build; --debug the debug build.
#   --small runs every check at a small scale (as CI does).
# Postgres: TEST_POSTGRES_URL, else the local server at 127.0.0.1:5432 when one answers; a fresh
# schema is made and dropped. Traffic goes only to loopback; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=release backend=both small=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) build=release ;;
    --debug) build=debug ;;
    --backend) backend=$2; shift ;;
    --small) small=1 ;;
    *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n "$small" ]]; then
  clients=8 posts=10 mixed=1000 hostile=2000 outage=3
else
  clients=16 posts=50 mixed=5000 hostile=10000 outage=5
fi

ensure_stress_tools
if [[ $build == release ]]; then
  quire=target/release/quire site=$RELEASE_SITE_ROOT
  [[ -x $quire && -d $site/pkg ]] || { ensure_build_tools; ensure_release_tools; build_release; }
else
  quire=target/debug/quire site=target/site
  [[ -x $quire && -d $site/pkg ]] || { ensure_build_tools; build_debug; }
fi

port=3500 proxy_port=3599
base=http://127.0.0.1:$port
work=$(mktemp -d)
server='' proxy='' schema='' failed=0
cleanup() {
  [[ -n $server ]] && kill -9 "$server" 2>/dev/null || true
  [[ -n $proxy ]] && kill "$proxy" 2>/dev/null || true
  [[ -n $schema ]] && psql -q "$postgres" -c "set client_min_messages = warning; drop schema if exists $schema cascade" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

check() { node scripts/stress/main.mjs "$@" --base "$base" || failed=1; }
fail() { echo "FAILED: $*"; failed=1; }

start_server() {
  DATABASE_URL=$url LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=$site QUIRE_OUTBOX=$work/outbox \
    RUST_LOG=info "$quire" serve >>"$work/server.log" 2>&1 &
  server=$!
  wait_for_url "$base/healthz" && return 0
  fail "the server did not start; its log:"; tail -n 20 "$work/server.log"; exit 1
}

# Whether process $1 is running (an exited child not yet waited for is not).
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [[ $state != Z ]]
}

# SIGTERM, then the shutdown grace and 5 s more for the server to exit; one that is still running
# (a deadlocked worker thread keeps it from ending) fails the check and is killed.
stop_server() {
  local limit=$(( ${QUIRE_SHUTDOWN_GRACE:-20} + 5 )) tenths=0
  kill "$server" 2>/dev/null
  while running "$server" && (( tenths < limit * 10 )); do
    sleep 0.1
    tenths=$((tenths + 1))
  done
  if running "$server"; then
    fail "the server was still running ${limit} s after SIGTERM"
    kill -9 "$server" 2>/dev/null
  else
    echo "   exited $((tenths / 10)).$((tenths % 10)) s after SIGTERM"
  fi
  wait "$server" 2>/dev/null || true
  server=''
}

sql() {
  if [[ $1 == sqlite ]]; then sqlite3 "$work/site.db" "$2"; else psql -qtA "$url_direct" -c "$2"; fi
}

rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$server/status"; }

run_backend() {
  local kind=$1
  echo "== $kind, $build build"
  : >"$work/server.log"
  if [[ $kind == sqlite ]]; then
    url="sqlite://$work/site.db"
  else
    schema="quire_stress_$$"
    psql -q "$postgres" -c "create schema $schema" >/dev/null
    local options="options=-c%20search_path%3D$schema"
    local separator='?'
    [[ $postgres == *\?* ]] && separator='&'
    url_direct="$postgres$separator$options"
    # The server reaches Postgres through a proxy the outage check can cut.
    node scripts/stress/main.mjs proxy --listen "$proxy_port" --to "$(sed -E 's#^[^@]*@([^/]+)/.*#\1#' <<<"$postgres")" &
    proxy=$!
    for _ in $(seq 1 50); do (: >"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break; sleep 0.1; done
    url="$(sed -E "s#@[^/]+/#@127.0.0.1:$proxy_port/#" <<<"$postgres")$separator$options"
  fi
  DATABASE_URL=$url "$quire" db reset --yes >/dev/null
  DATABASE_URL=$url "$quire" db seed --users "$clients" --posts 200 >/dev/null
  start_server

  echo "-- 1. concurrent writers"
  local before after
  before=$(sql "$kind" "select count(*) from posts")
  check writers --clients "$clients" --posts "$posts" --label "writers"
  after=$(sql "$kind" "select count(*) from posts")
  echo "   rows: $((after - before)) new (expected $((clients * posts))); 'database is locked' in the log: $(grep -ci 'database is locked' "$work/server.log" || true)"
  [[ $((after - before)) -eq $((clients * posts)) ]] || fail "row count"
  ! grep -qi 'database is locked' "$work/server.log" || fail "'database is locked' in the log"

  echo "-- 2. kill -9 under load"
  rm -f "$work/acks"
  node scripts/stress/main.mjs writers --base "$base" --clients "$clients" --posts 100000 --label crash \
    --ack "$work/acks" --until-down >"$work/crash.out" &
  local writers=$!
  sleep 2
  kill -9 "$server"; wait "$server" 2>/dev/null || true; server=''
  wait "$writers" || true
  sed 's/^/   /' "$work/crash.out"
  start_server
  sql "$kind" "select title from posts where title like 'crash-%'" | sort >"$work/present"
  sort "$work/acks" >"$work/acked"
  local acked lost integrity=n/a
  acked=$(wc -l <"$work/acked")
  lost=$(comm -23 "$work/acked" "$work/present" | wc -l)
  [[ $kind == sqlite ]] && integrity=$(sql sqlite "pragma integrity_check")
  echo "   after restart: $lost of $acked acknowledged posts lost; integrity_check: $integrity; restarted without repair"
  [[ $lost -eq 0 && $acked -gt 0 ]] || fail "acknowledged posts lost (or none written)"
  [[ $integrity == ok || $integrity == n/a ]] || fail "integrity_check: $integrity"

  echo "-- 3. database outage"
  if [[ $kind == sqlite ]]; then
    echo "   skipped on SQLite: the database is a file inside the process, with no server to lose"
  else
    local lines_before errors
    lines_before=$(wc -l <"$work/server.log")
    kill -USR1 "$proxy"
    check outage --seconds "$outage"
    errors=$(tail -n +"$((lines_before + 1))" "$work/server.log" | grep -v 'quire::access' | grep -c 'ERROR' || true)
    echo "   error lines logged during the outage: $errors"
    [[ $errors -le $((outage / 10 + 3)) ]] || fail "error log not rate-limited"
    kill -USR2 "$proxy"
    check recovered --seconds 20
  fi

  echo "-- 4. no hung responses"
  check mixed --requests "$mixed" --connections 32 --users "$clients" --posts 200

  echo "-- 5. hostile input"
  local baseline after_rss
  baseline=$(rss_kib)
  check hostile --requests "$hostile" --connections 16
  sleep 2
  if kill -0 "$server" 2>/dev/null; then
    after_rss=$(rss_kib)
    echo "   server alive; memory $((baseline / 1024)) MiB before, $((after_rss / 1024)) MiB after"
    [[ $after_rss -le $((baseline * 3 / 2 + 16384)) ]] || fail "memory did not come back to its baseline"
  else
    fail "the server died"
  fi
  grep -q 'panicked' "$work/server.log" && fail "a panic in the server log: $(grep -m1 panicked "$work/server.log")"

  echo "-- 6. prompt exit"
  stop_server
  if [[ $kind == postgres ]]; then
    kill "$proxy" 2>/dev/null || true; proxy=''
    psql -q "$postgres" -c "set client_min_messages = warning; drop schema if exists $schema cascade" >/dev/null; schema=''
  fi
}

postgres=${TEST_POSTGRES_URL:-}
if [[ -z $postgres ]] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  postgres=postgres://postgres@127.0.0.1:5432/test
fi
[[ $backend == sqlite || $backend == both ]] && run_backend sqlite
if [[ $backend == postgres || $backend == both ]]; then
  if [[ -n $postgres ]]; then run_backend postgres; else echo "== Postgres: no server answers; SKIPPED"; fi
fi
[[ $failed -eq 0 ]] && echo "== stress: every check passed" || { echo "== stress: some checks FAILED"; exit 1; }
