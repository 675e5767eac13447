#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (all ocoptrace code instrumented
# with ASan + UBSan + coverage) and runs each for N minutes:
#
#   tests/fuzz/run.sh [minutes]        # default 3 minutes per target
#
# Targets: dl_parser_fuzzer (Digital Link / label URL / tile path / query /
# Accept parsers, with round-trip checks) and router_fuzzer (the whole HTTP
# side: router, resolver, pages, forms, verifier endpoints on an in-memory
# ledger). Needs Debian's clang (libFuzzer ships with it). The corpus is
# seeded from tests/data/gs1-dl/cases.tsv and kept in build/fuzz/corpus;
# crashes are written to build/fuzz/artifacts. Exit status 0 when no target
# found a crash.
set -euo pipefail

minutes=${1:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${OCOPTRACE_FUZZ_BUILD:-$root/build/fuzz}
jobs=${JOBS:-2}

if ! command -v clang++ >/dev/null; then
  echo "clang++ is missing; install Debian's clang package (apt-get install clang)" >&2
  exit 2
fi

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DOCOPTRACE_FUZZ=ON -DOCOPTRACE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target dl_parser_fuzzer router_fuzzer

corpus=$build/corpus
artifacts=$build/artifacts
mkdir -p "$corpus/dl" "$corpus/router" "$artifacts"

# Seeds: every input URI of the published DL cases, whole and as a path.
n=0
grep -v '^#' "$root/tests/data/gs1-dl/cases.tsv" | tail -n +2 | cut -f1 |
  while IFS= read -r uri; do
    n=$((n + 1))
    printf '%s' "$uri" > "$corpus/dl/seed-uri-$n"
    path=${uri#*://}; path=/${path#*/}
    printf '%s' "$path" > "$corpus/dl/seed-path-$n"
    printf 'GET %s\nAccept-Language: en;q=0.8, vi\n\n' "$path" > "$corpus/router/seed-get-$n"
  done
gtin=08934563123451
for target in "/01/$gtin/10/L2024A/21/7K3M9QX2TA?s=1&linkType=linkset" \
    "/p/01/$gtin/10/L2024A?unknown_serial=ZZ&format=json" \
    "/tile/0/001.p/44" "/tile/entries/000" "/tile/1/000.p/1" "/body/7" \
    "/entries/12" "/checkpoint" "/keys" "/metrics" "/healthz" \
    "/.well-known/gs1resolver"; do
  n=$((n + 1))
  printf 'GET %s\nAccept: application/linkset+json\n\n' "$target" > "$corpus/router/seed-$n"
done
printf 'POST /report/01/%s/10/L2024A/21/7K3M9QX2TA\n\nplace=%%3Cb%%3E&note=x\n' "$gtin" \
  > "$corpus/router/seed-report"
printf 'POST /pin/01/%s/10/L2024A/21/7K3M9QX2TA\n\npin=12345678\n' "$gtin" \
  > "$corpus/router/seed-pin"

status=0
for fuzzer in dl_parser_fuzzer router_fuzzer; do
  dir=$corpus/${fuzzer%%_*}
  [[ $fuzzer == router_fuzzer ]] && dir=$corpus/router
  echo "== $fuzzer: $minutes min"
  if ! "$build/tests/fuzz/$fuzzer" "$dir" -dict="$root/tests/fuzz/dl.dict" \
      -max_total_time=$((minutes * 60)) -max_len=8192 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/$fuzzer-" 2>"$build/$fuzzer.log"; then
    echo "$fuzzer FOUND A PROBLEM: see $build/$fuzzer.log and $artifacts" >&2
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+.*DONE' \
    "$build/$fuzzer.log" || tail -5 "$build/$fuzzer.log"
  echo "corpus: $(ls "$dir" | wc -l) inputs"
done
exit $status
