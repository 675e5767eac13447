#!/usr/bin/env bash
# End-to-end check of the README's first command on a clean copy of the
# committed tree (git archive HEAD): deploy/quickstart.sh, with the binaries
# of BUILD_DIR (OCOPTRACE_BUILD_DIR) and free ports, must
#
#   - print a label URL that serves the scan page: following its 307 gives
#     200 and a page saying the label is genuine, for Miến dong Tài Hoan;
#   - have written out/label.png whose QR code reads exactly that URL, and
#     out/labels.pdf with its issuance file of 24 labels;
#   - on a second run add nothing: same `tracectl --json stats` (apart from
#     when it was computed), no record added, same label files;
#   - stop traced with --stop, and start it again.
#
# traced is always stopped and the copy removed, whatever happens.
#
#   bash tests/e2e/quickstart.sh build/dev
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-build/dev}"
[[ "$build" = /* ]] || build="$repo/$build"
for binary in server/traced client/tracectl; do
  if [[ ! -x "$build/$binary" ]]; then
    echo "quickstart e2e: $build/$binary is missing; build first (deploy/build.sh dev)" >&2
    exit 1
  fi
done
for tool in curl zbarimg git; do
  command -v "$tool" >/dev/null ||
    { echo "quickstart e2e: $tool is missing (deploy/install-deps.sh)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ocoptrace-quickstart.XXXXXX")"
clone="$work/ocoptrace"
step="setup"

cleanup() {
  local status=$?
  if [[ -x "$clone/deploy/quickstart.sh" ]]; then
    (cd "$clone" && deploy/quickstart.sh --stop >/dev/null 2>&1) || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "quickstart e2e: FAILED at step: $step" >&2
    for file in "$work/run1.out" "$work/run1.err" "$clone/var/traced.log"; do
      if [[ -s "$file" ]]; then
        echo "--- last lines of $file:" >&2
        tail -n 20 "$file" >&2
      fi
    done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "quickstart e2e: $*" >&2
  exit 1
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_seconds=$SECONDS

# --- 1. A clean copy of the committed tree ------------------------------------
step="git archive"
mkdir -p "$clone"
git -C "$repo" archive HEAD | tar -x -C "$clone"
[[ -f "$clone/deploy/demo/backan.json" && -x "$clone/deploy/quickstart.sh" ]] ||
  fail "deploy/quickstart.sh or deploy/demo/backan.json is not committed"

grpc_port="$(free_port)"
http_port="$(free_port)"
while [[ "$http_port" == "$grpc_port" ]]; do http_port="$(free_port)"; done
quickstart() {
  (cd "$clone" && OCOPTRACE_BUILD_DIR="$build" OCOPTRACE_GRPC_PORT="$grpc_port" \
    OCOPTRACE_HTTP_PORT="$http_port" deploy/quickstart.sh "$@")
}
tracectl() { (cd "$clone" && "$build/client/tracectl" "$@"); }
# The statistics without the time they were computed.
stats() {
  tracectl --config var/admin/config.json --json stats |
    grep -v '"computed_at"'
}

# --- 2. First run ---------------------------------------------------------------
step="first run"
quickstart >"$work/run1.out" 2>"$work/run1.err" ||
  fail "deploy/quickstart.sh exited $? (its output is above)"
url="$(grep -o "http://127.0.0.1:$http_port/01/[^ ]*" "$work/run1.out" | head -n 1)"
[[ "$url" == "http://127.0.0.1:$http_port/01/09520600010014/10/MDTH-L01/21/"*"?s="* ]] ||
  { cat "$work/run1.out"; fail "the quickstart printed no label URL for the Miến dong batch"; }
grep -q "verify --image out/label.png" "$work/run1.out" ||
  fail "the quickstart did not print the tracectl verify line"
grep -q -- "--stop" "$work/run1.out" || fail "the quickstart did not say how to stop"
[[ "$(stat -c %a "$clone/var/admin-token")" == 600 ]] ||
  fail "var/admin-token is not mode 0600"
echo "quickstart e2e: first run in $((SECONDS - start_seconds)) s, label URL $url"

step="label files"
[[ -s "$clone/out/labels.pdf" ]] || fail "out/labels.pdf is missing"
[[ "$(grep -c '"serial"' "$clone/out/labels.pdf.issuance.jsonl")" -eq 24 ]] ||
  fail "out/labels.pdf.issuance.jsonl does not hold 24 labels"
decoded="$(zbarimg --raw -q "$clone/out/label.png" 2>/dev/null)"
[[ "$decoded" == "$url" ]] ||
  fail "zbarimg read '$decoded' from out/label.png, the quickstart printed '$url'"

step="scan page"
# Journeys are marked verified against a signed checkpoint (one a second).
sleep 1.5
redirect="$(curl -sS -o /dev/null -w '%{http_code}' "$url")"
[[ "$redirect" == 307 ]] || fail "the label URL answered $redirect, not 307"
code="$(curl -sS -L -o "$work/page.html" -w '%{http_code}' "$url")"
[[ "$code" == 200 ]] || fail "the scan page answered $code, not 200"
for text in 'data-verdict="genuine"' 'Tem chính hãng' 'Miến dong Tài Hoan' \
  'HTX Tài Hoan' '★★★★★' 'Xã Côn Minh' 'data-step="inspecting"'; do
  grep -qF -- "$text" "$work/page.html" || fail "the scan page does not show: $text"
done

step="tracectl verify"
tracectl --config var/demo/config/ocop-inspector.json verify --offline \
  --image out/label.png >"$work/verify.txt" 2>&1 ||
  { cat "$work/verify.txt"; fail "tracectl verify --offline did not judge out/label.png genuine"; }
grep -q "GENUINE" "$work/verify.txt" || fail "tracectl verify did not say GENUINE"

# --- 3. Second run: nothing added ------------------------------------------------
step="second run"
# Scans are counted once 2 s old, statistics cached for 5 s.
sleep 5.5
stats >"$work/stats1.json"
sha_before="$(sha256sum "$clone/out/labels.pdf" "$clone/out/label.png")"
quickstart >"$work/run2.out" 2>"$work/run2.err" ||
  { cat "$work/run2.out" "$work/run2.err"; fail "the second run failed"; }
grep -q "already running" "$work/run2.out" || fail "the second run did not reuse the running traced"
grep -q "(0 records added now)" "$work/run2.out" ||
  { cat "$work/run2.out"; fail "the second run added demo records"; }
grep -qF "$url" "$work/run2.out" || fail "the second run printed another label URL"
[[ "$(sha256sum "$clone/out/labels.pdf" "$clone/out/label.png")" == "$sha_before" ]] ||
  fail "the second run rewrote the label files"
sleep 5.5  # Statistics are cached for 5 s.
stats >"$work/stats2.json"
diff "$work/stats1.json" "$work/stats2.json" >&2 ||
  fail "tracectl --json stats changed after the second run"
grep -q '"products": *"*30' "$work/stats2.json" || fail "stats do not count 30 products"

# --- 4. Stop, start again, stop ----------------------------------------------------
step="stop"
quickstart --stop >"$work/stop.out" || fail "--stop failed"
grep -q "stopped" "$work/stop.out" || fail "--stop did not say it stopped traced"
[[ ! -f "$clone/var/traced.pid" ]] || fail "--stop left var/traced.pid"
! curl -s -o /dev/null "http://127.0.0.1:$http_port/healthz" ||
  fail "traced still answers after --stop"

step="restart"
quickstart >"$work/run3.out" 2>"$work/run3.err" ||
  { cat "$work/run3.out" "$work/run3.err"; fail "starting again after --stop failed"; }
grep -q "traced started" "$work/run3.out" || fail "the third run did not start traced"
grep -q "(0 records added now)" "$work/run3.out" || fail "the third run added demo records"
curl -sS -L -o /dev/null -w '%{http_code}' "$url" | grep -q 200 ||
  fail "the label URL does not answer after a restart"
quickstart --stop >/dev/null
quickstart --stop | grep -q "not running" || fail "a second --stop did not say traced is not running"

echo "quickstart e2e: ok in $((SECONDS - start_seconds)) s"
