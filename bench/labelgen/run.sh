#!/usr/bin/env bash
# Builds labelgen_bench, installs the pinned npm `qrcode` baseline, runs
# both on the same URLs, and prints the figures and the goal ratios of
# docs/labels.md ("Benchmarks").
#
#   bench/labelgen/run.sh [BUILD_DIR] [COUNT]   # defaults: build/bench 10000
#
# Rates are per CPU second of one core (single-threaded); wall-clock rates
# are printed too. Needs node and npm for the baseline (skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:-build/bench}"
count="${2:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DOCOPTRACE_BUILD_BENCH=ON -DOCOPTRACE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" --target labelgen_bench >/dev/null

echo "== labelgen_bench ($count labels)"
"$build_dir/bench/labelgen/labelgen_bench" --count "$count" \
  --urls-out "$work/urls.txt" | tee "$work/cpp.txt"

if command -v npm >/dev/null && command -v node >/dev/null; then
  echo "== npm qrcode toBuffer (same URLs)"
  (cd bench/labelgen/npm-qrcode && npm ci --no-audit --no-fund --silent)
  node bench/labelgen/npm-qrcode/bench.js "$work/urls.txt" | tee "$work/npm.txt"
else
  echo "== npm qrcode: node/npm not installed, baseline skipped"
  : >"$work/npm.txt"
fi

echo "== ratios (goals: png >= 10x npm, png >= 0.5x raw encode, pdf <= 2x encode)"
awk '
  { v[$1] = $2 }
  END {
    printf "png_per_s / raw_encode_per_s   %.2f\n", v["png_per_s"] / v["raw_encode_per_s"]
    if (v["npm_qrcode_png_per_s"] > 0)
      printf "png_per_s / npm_qrcode_png_per_s %.1f\n", v["png_per_s"] / v["npm_qrcode_png_per_s"]
    printf "pdf_seconds / encode_seconds    %.2f  (%d labels: %.2f s vs %.2f s)\n",
      v["pdf_over_encode"], v["labels"], v["pdf_seconds"], v["pdf_encode_seconds"]
  }' "$work/cpp.txt" "$work/npm.txt"
