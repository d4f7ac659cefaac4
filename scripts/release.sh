#!/usr/bin/env bash
# Builds the optimized release of Quire, installing whatever is missing first, then prints where
# the binary and the site are and how much a first visit downloads (raw and brotli-compressed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
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
printf '%-36s %12s %12s\n' "bundle file" "raw bytes" "brotli bytes"
total_raw=0
total_br=0
for file in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [[ -f "$file" ]] || continue
  raw=$(stat -c %s "$file")
  br=$(brotli -c -q 11 "$file" | wc -c)
  printf '%-36s %12d %12d\n' "$(basename "$file")" "$raw" "$br"
  if [[ "$file" != *.css ]]; then
    total_raw=$((total_raw + raw))
    total_br=$((total_br + br))
  fi
done
printf '%-36s %12d %12d\n' "WASM + JS" "$total_raw" "$total_br"
