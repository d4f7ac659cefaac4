#!/usr/bin/env bash
# Builds the optimized release of Quire, installing whatever is missing first, then prints where
# the binary and the site are and how much a first visit downloads (raw and brotli-compressed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_tools
ensure_release_tools
echo "== Building the release (cargo leptos build --release)"
start=$(date +%s)
build_release
echo "== Built in $(( $(date +%s) - start )) s"

binary=target/release/quire
hash_file=target/release/hash.txt
pkg="$RELEASE_SITE_ROOT/pkg"
echo
echo "Binary:     $binary ($(du -h "$binary" | cut -f1))"
echo "Hash file:  $hash_file (keep it next to the binary)"
echo "Site:       $RELEASE_SITE_ROOT/ (serve it with LEPTOS_SITE_ROOT)"
echo
report_bundle
