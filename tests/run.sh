#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test.
#   tests/run.sh            # all tests
#   tests/run.sh -R ledger  # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh dev
jobs=$(nproc 2>/dev/null || echo 2)
ctest --preset dev -j "$jobs" --timeout 900 "$@"
# End-to-end scripts over the real binaries.
for script in tests/e2e/*.sh; do
  [[ -e "$script" ]] || continue
  if [[ $# -gt 0 ]]; then break; fi
  echo "== e2e: $script"
  bash "$script" build/dev
done
echo "tests/run.sh: all tests passed"
