#!/usr/bin/env bash
# Durability soak: runs the ledger crash test (a real child process appending
# from 16 threads, SIGKILLed at a random moment, restarted and checked) for
# many kill/restart rounds. Not part of the test suite, which runs 3 rounds.
#
#   bench/ledger_crash_soak.sh [ROUNDS] [BUILD_DIR]   (default 25, build/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-25}"
build="${2:-build/dev}"
cmake --build "$build" --target ledger_crash_test ledger_crash_child >/dev/null
start=$(date +%s)
LEDGER_CRASH_ROUNDS="$rounds" "$build/tests/server/ledger/ledger_crash_test" \
  --gtest_brief=1 | grep -E "crash test:|PASSED|FAILED|Failure" 
echo "soak: $rounds kill -9 rounds in $(( $(date +%s) - start )) s"
