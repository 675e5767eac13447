#!/usr/bin/env bash
# Builds rpc_events_bench (Release) and runs it: events recorded per second
# through gRPC by 64 concurrent clients against a real traced, beside the
# Ed25519 verify (and sign+verify) bounds measured in the same run.
#
#   bench/rpc/run.sh [BUILD_DIR] [TRIALS] [SECONDS]   # defaults: build/bench 5 3
#
# Run it on an otherwise idle machine: the wall-clock rates follow the load,
# the CPU time per event (also printed) hardly does. docs/api.md explains
# how to read the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:-build/bench}"
trials="${2:-5}"
seconds="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DOCOPTRACE_BUILD_BENCH=ON -DOCOPTRACE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" --target rpc_events_bench >/dev/null
echo "== rpc_events_bench (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
"$build_dir/bench/rpc/rpc_events_bench" --dir "$work/data" \
  --trials "$trials" --seconds "$seconds"
