#!/usr/bin/env bash
# What the scripts share: installing whatever Quire's build and tests need (only when it is
# missing), the builds, the environment cargo-leptos sets, waiting for a server. Sourced by every
# script in scripts/ and end2end/.

# Versions that work together on rustc 1.95 (see docs/testing.md, The first run).
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# PACKAGE... -> installs these Debian packages.
apt_install() {
  echo "== Installing $* (Debian packages)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# URL [TRIES] -> waits until URL answers 2xx (0.1 s between tries, 100 by default); fails saying so.
wait_for_url() {
  local url=$1 tries=${2:-100}
  for _ in $(seq 1 "$tries"); do
    curl -sf -o /dev/null "$url" && return 0
    sleep 0.1
  done
  echo "no answer from $url" >&2
  return 1
}

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "== Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [[ "$(cargo leptos --version 2>/dev/null)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
    echo "== Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 16 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  # cargo-leptos would download wasm-bindgen; it uses the one on PATH instead, which must match the crate.
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != *"$WASM_BINDGEN_VERSION"* ]]; then
    echo "== Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

# Release builds run wasm-opt, which cargo-leptos would download: npm's binaryen (pinned in
# tools/package.json) goes on PATH instead, never Debian's, behind scripts/wasm-opt/wasm-opt. brotli measures the bundle.
ensure_release_tools() {
  if [[ "$(tools/node_modules/.bin/wasm-opt --version 2>/dev/null)" != *"version $BINARYEN_VERSION"* ]]; then
    echo "== Installing npm's binaryen $BINARYEN_VERSION into tools/ (wasm-opt)"
    (cd tools && npm ci --no-audit --no-fund)
  fi
  # scripts/wasm-opt/wasm-opt runs that wasm-opt, and keeps cargo-leptos from failing on an
  # empty lazily loaded part (see the script).
  export PATH="$PWD/scripts/wasm-opt:$PWD/tools/node_modules/.bin:$PATH"
  command -v brotli >/dev/null || apt_install brotli
}

# The pages are lazily loaded routes: every build splits the WASM (--split), since without it the
# browser cannot load them (the lazy loader's module name stays a placeholder).
build_debug() {
  cargo leptos build --split
}

# The release build: optimized WASM (wasm-opt) split into a base module and one lazily loaded
# part per route (--split), content-hashed asset names, brotli and gzip copies of every site file
# made at build time, in its own site folder.
export RELEASE_SITE_ROOT=target/site-release

build_release() {
  LEPTOS_HASH_FILES=true LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" cargo leptos build --release --precompress --split
}

ensure_test_tools() {
  [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || apt_install chromium
  command -v npm >/dev/null || apt_install nodejs npm
  if [[ ! -d end2end/node_modules/@playwright/test || ! -d end2end/node_modules/@axe-core/playwright ]]; then
    echo "== Installing Playwright's test runner (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# Points FLASKBLOG_FIXTURE at a real Flaskblog instance (site.db + static/profile_pics) for the
# importer's tests: the shared fixture when it has its site.db, otherwise one written by the
# Flaskblog's own models with Flask-SQLAlchemy and Flask-Bcrypt from PyPI (pinned), beside the
# shared fixture's pictures.
ensure_flaskblog_fixture() {
  local shared=../shared/fixtures/flaskblog
  if [[ -f "$shared/site.db" ]]; then
    export FLASKBLOG_FIXTURE="$(cd "$shared" && pwd)"
    return
  fi
  local made=target/flaskblog-fixture venv=target/flaskblog-venv
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import flask_sqlalchemy, flask_bcrypt' 2>/dev/null; then
    echo "== Installing Flask-SQLAlchemy and Flask-Bcrypt (for the Flaskblog fixture)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r tools/flaskblog/requirements.txt
  fi
  if [[ ! -f "$made/site.db" ]]; then
    echo "== Writing the Flaskblog fixture's site.db with the Flaskblog's models"
    "$venv/bin/python" tools/flaskblog/make_site_db.py "$made" >/dev/null
  fi
  if [[ ! -d "$shared/static/profile_pics" ]]; then
    echo "error: the shared Flaskblog fixture's pictures are missing ($shared/static/profile_pics)" >&2
    return 1
  fi
  mkdir -p "$made/static/profile_pics"
  cp "$shared"/static/profile_pics/* "$made/static/profile_pics/"
  export FLASKBLOG_FIXTURE="$(cd "$made" && pwd)"
}

# The flags and variables cargo-leptos sets for a build, so that `cargo test` (debug) or
# `cargo build --example` (release) reuses its artifacts: `export_leptos_build_env [release]`.
export_leptos_build_env() {
  export RUSTFLAGS="--cfg erase_components"
  export LEPTOS_OUTPUT_NAME=quire LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 \
    LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend LEPTOS_BIN_DIR=server
  if [[ "${1:-}" == release ]]; then
    export LEPTOS_SITE_ROOT="$RELEASE_SITE_ROOT" LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true \
      LEPTOS_HASH_FILE_NAME=hash.txt
  else
    export LEPTOS_SITE_ROOT=target/site LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
  fi
}

# Prints the size of the build folder and the free space left, so a run that fills the disk says so.
report_disk() {
  echo "-- disk: target/ holds $(du -sh target 2>/dev/null | cut -f1), $(df -h --output=avail . | tail -n 1 | tr -d ' ') free"
}

# The stress harness' helpers: sqlite3 and psql to read the database behind the server's back.
ensure_stress_tools() {
  local missing=()
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v curl >/dev/null || missing+=(curl)
  command -v node >/dev/null || missing+=(nodejs)
  if [[ ${#missing[@]} -gt 0 ]]; then apt_install "${missing[@]}"; fi
}

# Prints the release bundle's sizes, raw and brotli (-q 11): the base every page loads (the main
# WASM module and its JS) and, for each lazily loaded part (a page's route, split out by
# `--split`), its files (as the split manifest lists them, some shared with other parts) and the
# total of a first visit to a page that shows it: the base, then that page's part.
# What a benchmark of the release build needs: the tools, wrk, and the release build, made now
# when $1 is non-empty, else the one already in target/ (which must exist).
prepare_release_bench() {
  ensure_build_tools
  ensure_release_tools
  command -v wrk >/dev/null || apt_install wrk
  if [[ -n "$1" ]]; then
    build_release
  elif [[ ! -x target/release/quire || ! -d "$RELEASE_SITE_ROOT/pkg" ]]; then
    echo "--no-build: there is no release build to measure; run without it once" >&2
    exit 2
  fi
}

# A benchmark's temporary folder ($dir) and its background processes ($pids, to which it adds),
# both gone when the script exits.
bench_workspace() {
  dir=$(mktemp -d)
  pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
}

# wrk's report (run with --latency), read on stdin, as "req/s p50 p99" (latencies in ms), with
# "(N non-2xx!)" after when some answers failed.
wrk_summary() {
  awk '
  function ms(v) {
    if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
    if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
    if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
    return v
  }
  /^ +50%/ { p50 = ms($2) }
  /^ +99%/ { p99 = ms($2) }
  /^Requests\/sec:/ { rps = $2 }
  /Non-2xx/ { bad = $NF }
  END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad ? "(" bad " non-2xx!)" : "") }'
}

report_bundle() {
  local pkg="$RELEASE_SITE_ROOT/pkg" manifest base_raw base_br part files raw br
  local base=("$pkg"/quire.*.wasm "$pkg"/quire.*.js "$pkg"/__wasm_split.*.js)
  read -r base_raw base_br <<<"$(bundle_sizes "${base[@]}")"
  printf '%-44s %10s %10s\n' "part" "raw" "brotli"
  printf '%-44s %10s %10s\n' "base: $(basename "${base[0]}") + JS" "$base_raw" "$base_br"
  manifest=$(ls "$pkg"/__wasm_split_manifest.*.json)
  while read -r part files; do
    read -r raw br <<<"$(bundle_sizes $(for f in $files; do echo "$pkg/$f.wasm"; done))"
    printf '%-44s %10s %10s   first visit: %s raw, %s brotli\n' "part $part" "$raw" "$br" \
      "$((base_raw + raw))" "$((base_br + br))"
  done < <(python3 -c '
import json, sys
for name, files in sorted(json.load(open(sys.argv[1])).items()):
    print(name.split("_loader")[0], " ".join(files))' "$manifest")
}

# FILE... -> "RAW BROTLI": their sizes summed.
bundle_sizes() {
  local raw=0 br=0 file
  for file in "$@"; do
    raw=$((raw + $(stat -c %s "$file")))
    br=$((br + $(brotli -c -q 11 "$file" | wc -c)))
  done
  echo "$raw $br"
}
