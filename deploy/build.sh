#!/usr/bin/env bash
# Configures (once) and builds ocoptrace with the given CMake preset
# (default: dev). Incremental: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
# Let clones in other directories share the compiler cache: paths under the
# source tree are hashed relative to it, and the working directory is not.
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1
if [[ ! -f "build/$preset/build.ninja" ]]; then
  cmake --preset "$preset" >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
cmake --build --preset "$preset" -j "$jobs"
