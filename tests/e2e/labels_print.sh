#!/usr/bin/env bash
# End-to-end label printing over the real binaries: a temporary traced (own
# data directory, a free loopback port), an admin who registers the
# cooperative and its producer, and the producer, who registers a product,
# creates a batch and runs
#
#   tracectl labels issue --batch GTIN/LOT --count 30 --format pdf --out labels.pdf
#
# The sheet is rasterised with pdftoppm and every QR code decoded with
# zbarimg: there must be 30, each equal byte for byte to a URL of the
# issuance file tracectl wrote beside the PDF, all different. Then the
# batch's history (verified client-side) shows the issuance, a voided label
# reads as VOID, and a layout too small for the QR issues nothing. traced is
# always stopped and the temporary directory removed, whatever happens.
#
#   bash tests/e2e/labels_print.sh build/dev
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-build/dev}"
[[ "$build" = /* ]] || build="$repo/$build"
traced="$build/server/traced"
tracectl="$build/client/tracectl"
for binary in "$traced" "$tracectl"; do
  if [[ ! -x "$binary" ]]; then
    echo "labels_print: $binary is missing; build first (deploy/build.sh dev)" >&2
    exit 1
  fi
done
for tool in pdftoppm zbarimg; do
  if ! command -v "$tool" >/dev/null; then
    echo "labels_print: $tool is missing (apt-get install poppler-utils zbar-tools)" >&2
    exit 1
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ocoptrace-labels.XXXXXX")"
traced_pid=""
step="setup"

cleanup() {
  local status=$?
  if [[ -n "$traced_pid" ]] && kill -0 "$traced_pid" 2>/dev/null; then
    kill -TERM "$traced_pid" 2>/dev/null || true
    wait "$traced_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "labels_print: FAILED at step: $step" >&2
    if [[ -f "$work/traced.log" ]]; then
      echo "--- last lines of traced's log:" >&2
      tail -n 20 "$work/traced.log" >&2
    fi
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "labels_print: $*" >&2
  exit 1
}

# tracectl as one of the users: own HOME, nothing from the caller's
# environment.
as() {
  local user="$1"
  shift
  env -u OCOPTRACE_CONFIG -u OCOPTRACE_SERVER -u OCOPTRACE_TOKEN \
    -u OCOPTRACE_KEY -u OCOPTRACE_KEY_NAME -u OCOPTRACE_CA_CERT \
    HOME="$work/home/$user" USER="$user" "$tracectl" --timeout 60 "$@"
}

days_from_today() {
  date -u -d "@$(($(date +%s) + $1 * 86400 + 7 * 3600))" +%Y-%m-%d
}

gtin=8934563123451
lot=L2024-IN
batch="$gtin/$lot"
start_seconds=$SECONDS

# --- 1. A fresh server ---------------------------------------------------------
step="traced --init"
"$traced" --init --data "$work/data" --origin e2e.ocop.test >"$work/init.txt"
admin_token="$(awk '/tracectl config set token/ {print $NF}' "$work/init.txt")"
[[ -n "$admin_token" ]] || { cat "$work/init.txt" >&2; fail "no admin token printed"; }

step="start traced"
"$traced" --data "$work/data" --listen 127.0.0.1:0 2>"$work/traced.log" &
traced_pid=$!
address=""
for _ in $(seq 1 100); do
  address="$(sed -n 's/^traced: serving gRPC on \([^ ]*\) .*/\1/p' "$work/traced.log")"
  [[ -n "$address" ]] && break
  kill -0 "$traced_pid" 2>/dev/null || fail "traced exited while starting"
  sleep 0.1
done
[[ -n "$address" ]] || fail "traced did not report its address"
echo "labels_print: traced serving on $address"

# --- 2. The cooperative, its producer, a product and a batch --------------------
step="admin"
as admin init --name e2e-admin --server "$address" --token "$admin_token" \
  >/dev/null 2>&1
as admin producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
  --form cooperative --tax-code 4700123456 \
  --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" \
  --commune-name "Xã Côn Minh" --province-code 06 --province-name "Tỉnh Bắc Kạn" \
  >/dev/null
producer_token="$(as admin principal create --name htx-tai-hoan-staff \
  --role producer --producer htx-tai-hoan --json |
  sed -n 's/.*"token": "\([^"]*\)".*/\1/p')"
[[ -n "$producer_token" ]] || fail "no producer token"

step="producer"
as producer init --name htx-tai-hoan-1 --server "$address" \
  --token "$producer_token" >/dev/null 2>&1
as admin key add --vkey "$(as producer key mine)" --role producer \
  --producer htx-tai-hoan >/dev/null
as producer product add --gtin "$gtin" --name "Miến dong Tài Hoan" \
  --group food --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 >/dev/null
as producer batch create --gtin "$gtin" --lot "$lot" \
  --production-date "$(days_from_today -3)" --expiry "$(days_from_today 362)" \
  --quantity 500 --unit KGM >/dev/null

# --- 3. A layout too small for the QR issues nothing ---------------------------
step="bad layout"
code=0
as producer labels issue --batch "$batch" --count 30 --layout a4-4x10 \
  --module-mm 0.6 --out "$work/bad.pdf" >/dev/null 2>"$work/err" || code=$?
[[ $code -eq 2 ]] || { cat "$work/err" >&2; fail "bad layout exited $code, expected 2"; }
grep -q "nothing was issued" "$work/err" || { cat "$work/err" >&2; fail "bad layout message"; }
[[ ! -e "$work/bad.pdf" && ! -e "$work/bad.pdf.issuance.jsonl" ]] ||
  fail "a refused run left files behind"
as producer batch get "$batch" | grep -q "^labels" &&
  fail "labels were issued for a refused layout"

# --- 4. Issue and print 30 labels ------------------------------------------------
step="labels issue"
as producer labels issue --batch "$batch" --count 30 --format pdf \
  --out "$work/labels.pdf" >"$work/issue.txt" 2>"$work/issue.err" ||
  { cat "$work/issue.txt" "$work/issue.err" >&2; fail "labels issue failed"; }
grep -q "issued 30 labels for 08934563123451/$lot" "$work/issue.txt" ||
  { cat "$work/issue.txt" >&2; fail "labels issue did not report 30 labels"; }
issuance="$work/labels.pdf.issuance.jsonl"
[[ -f "$issuance" ]] || fail "no issuance file beside the PDF"
sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$issuance" | sort >"$work/issued.txt"
[[ "$(wc -l <"$work/issued.txt")" -eq 30 ]] || fail "the issuance file does not hold 30 URLs"

step="decode"
pdftoppm -r 300 -gray "$work/labels.pdf" "$work/page"
pages=("$work"/page-*.pgm)
[[ ${#pages[@]} -eq 2 ]] || fail "expected 2 pages (24 + 6 labels), got ${#pages[@]}"
zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "${pages[@]}" | sort >"$work/decoded.txt" || true
[[ "$(wc -l <"$work/decoded.txt")" -eq 30 ]] ||
  { cat "$work/decoded.txt" >&2; fail "zbarimg decoded $(wc -l <"$work/decoded.txt") QR codes, expected 30"; }
[[ "$(sort -u "$work/decoded.txt" | wc -l)" -eq 30 ]] || fail "decoded URLs repeat"
if ! cmp -s "$work/decoded.txt" "$work/issued.txt"; then
  diff "$work/issued.txt" "$work/decoded.txt" >&2 || true
  fail "decoded QR codes differ from the issued URLs"
fi
grep -q "/01/08934563123451/10/$lot/21/" "$work/decoded.txt" ||
  fail "decoded URLs are not label URLs of the batch"

# --- 5. The log and the label records -------------------------------------------
step="history"
as producer history "$batch" >"$work/history.txt" ||
  { cat "$work/history.txt" >&2; fail "history did not verify"; }
grep -q "labels issued: 30" "$work/history.txt" ||
  { cat "$work/history.txt" >&2; fail "history does not show the issuance"; }
grep -q "2 of 2 entries verified" "$work/history.txt" ||
  { cat "$work/history.txt" >&2; fail "history did not verify 2 entries"; }

step="labels void and get"
serial="$(sed -n '2s/.*"serial":"\([^"]*\)".*/\1/p' "$issuance")"
as producer labels void --batch "$batch" --serial "$serial" \
  --reason "in lỗi" >/dev/null
as producer labels get "$gtin" "$serial" | grep -q "status: *VOID" ||
  fail "the voided label does not read as VOID"
other="$(sed -n '3s/.*"serial":"\([^"]*\)".*/\1/p' "$issuance")"
as producer labels get "$gtin" "$other" | grep -q "status: *issued" ||
  fail "an issued label does not read as issued"

kill -TERM "$traced_pid"
wait "$traced_pid" || fail "traced did not stop cleanly"
traced_pid=""
echo "labels_print: ok in $((SECONDS - start_seconds)) s"
