#!/usr/bin/env bash
# End to end, the inspector's offline check over the real binaries: a
# temporary traced, a cooperative with a certified product and a batch,
# labels issued over gRPC (tests/client issue_labels_tool), a label PNG
# rendered by labelgen, then the inspector
#   - syncs the trust bundle of region 06 (the former Bắc Kạn province),
#   - stops traced, and verifies offline:
#       the label image        -> genuine (exit 0)
#       one serial char changed -> not genuine (exit 11)
#   - exports a proof bundle of the batch and verifies it offline; one
#     altered byte -> exit 4.
# traced is always stopped and the temporary directory removed.
#
#   bash tests/e2e/offline_verify.sh build/dev
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-build/dev}"
[[ "$build" = /* ]] || build="$repo/$build"
traced="$build/server/traced"
tracectl="$build/client/tracectl"
labelgen="$build/labelgen/labelgen"
issue="$build/tests/client/issue_labels_tool"
for binary in "$traced" "$tracectl" "$labelgen" "$issue"; do
  if [[ ! -x "$binary" ]]; then
    echo "offline_verify: $binary is missing; build first" >&2
    exit 1
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ocoptrace-offline.XXXXXX")"
traced_pid=""
step="setup"
cleanup() {
  local status=$?
  if [[ -n "$traced_pid" ]] && kill -0 "$traced_pid" 2>/dev/null; then
    kill -TERM "$traced_pid" 2>/dev/null || true
    wait "$traced_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "offline_verify: FAILED at step: $step" >&2
    [[ -f "$work/traced.log" ]] && tail -n 20 "$work/traced.log" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "offline_verify: $*" >&2
  exit 1
}
as() {
  local user="$1"
  shift
  env -u OCOPTRACE_CONFIG -u OCOPTRACE_SERVER -u OCOPTRACE_TOKEN \
    -u OCOPTRACE_KEY -u OCOPTRACE_KEY_NAME -u OCOPTRACE_CA_CERT \
    HOME="$work/home/$user" USER="$user" "$tracectl" --timeout 20 "$@"
}
# expect CODE USER ARGS...: the command must exit with CODE.
expect() {
  local code="$1" actual=0
  shift
  as "$@" >"$work/out" 2>"$work/err" || actual=$?
  if [[ $actual -ne $code ]]; then
    cat "$work/out" "$work/err" >&2
    fail "'tracectl ${*:2}' exited $actual, expected $code"
  fi
}
days_from_today() {
  date -u -d "@$(($(date +%s) + $1 * 86400 + 7 * 3600))" +%Y-%m-%d
}

gtin=8934563123451
lot=L2024A

step="traced --init"
"$traced" --init --data "$work/data" --origin e2e.ocop.test >"$work/init.txt"
admin_token="$(awk '/tracectl config set token/ {print $NF}' "$work/init.txt")"
[[ -n "$admin_token" ]] || fail "no admin token printed"
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

step="story"
as admin init --name e2e-admin --server "$address" --token "$admin_token" >/dev/null 2>&1
as admin producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
  --form cooperative --tax-code 4700123456 \
  --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" \
  --commune-name "Xã Côn Minh" --province-code 06 --province-name "Tỉnh Bắc Kạn" \
  >/dev/null
token_of() { sed -n 's/.*"token": "\([^"]*\)".*/\1/p'; }
producer_token="$(as admin principal create --name htx-staff --role producer \
  --producer htx-tai-hoan --json | token_of)"
certifier_token="$(as admin principal create --name ocop-council \
  --role certifier --json | token_of)"
as producer init --name htx-tai-hoan-1 --server "$address" --token "$producer_token" >/dev/null 2>&1
as certifier init --name ocop-council-1 --server "$address" --token "$certifier_token" >/dev/null 2>&1
as admin key add --vkey "$(as producer key mine)" --role producer --producer htx-tai-hoan >/dev/null
as admin key add --vkey "$(as certifier key mine)" --role certifier --holder ocop-council >/dev/null
as producer product add --gtin "$gtin" --name "Miến dong Tài Hoan" --group food \
  --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 --net-content "500 g" >/dev/null
as certifier cert issue --number GCN-OCOP-E2E-015 --decision "1234/QĐ-UBND" \
  --decision-date "$(days_from_today -30)" --issuer "UBND tỉnh Bắc Kạn" \
  --level provincial --stars 4 --score 78.5 --product "$gtin" \
  --producer htx-tai-hoan >/dev/null
as producer batch create --gtin "$gtin" --lot "$lot" \
  --production-date "$(days_from_today -3)" --expiry "$(days_from_today 362)" \
  --quantity 500 --unit KGM >/dev/null

step="labels issued"
"$issue" "$address" "$producer_token" "$gtin" "$lot" 2 >"$work/urls.txt"
[[ "$(wc -l <"$work/urls.txt")" -eq 2 ]] || fail "expected 2 label URLs"
url="$(head -n 1 "$work/urls.txt")"
serial="$(sed -n 's|.*/21/\([0-9A-Z]*\)?s=.*|\1|p' <<<"$url")"
"$labelgen" --url "$url" --product-name "Miến dong Tài Hoan" \
  --producer-name "HTX Tài Hoan" --lot "$lot" --serial "$serial" --stars 4 \
  --format png --out "$work/label.png" --quiet
[[ -s "$work/label.png" ]] || fail "labelgen wrote no PNG"

step="inspector trust sync"
as inspector init --name inspector-1 --server "$address" >/dev/null 2>&1
expect 0 inspector trust sync --region 06
grep -q "trust bundle written" "$work/out" || fail "trust sync said nothing"
expect 0 inspector proof export "$gtin/$lot" --out "$work/batch.tlog-proof"

step="stop traced"
kill -TERM "$traced_pid"
wait "$traced_pid" || fail "traced did not stop cleanly"
traced_pid=""

step="verify offline: genuine"
expect 0 inspector verify --image "$work/label.png"
grep -q "GENUINE — TEM THẬT" "$work/out" || { cat "$work/out"; fail "no genuine verdict"; }
grep -q "bundle from" "$work/out" || fail "the verdict does not say how old the bundle is"

step="verify offline: tampered serial"
first="${serial:0:1}"
if [[ "$first" == "A" ]]; then other=B; else other=A; fi
tampered="${url/\/21\/$serial/\/21\/$other${serial:1}}"
[[ "$tampered" != "$url" ]] || fail "could not tamper the URL"
expect 11 inspector verify --url "$tampered"
grep -q "NOT GENUINE" "$work/out" || fail "no not-genuine verdict"

step="proof bundle offline"
expect 0 inspector proof verify "$work/batch.tlog-proof"
grep -q "proof bundle verified" "$work/out" || fail "proof verify said nothing"
python3 - "$work/batch.tlog-proof" <<'PY'
import sys
p = sys.argv[1]
data = bytearray(open(p, 'rb').read())
data[len(data) // 3] ^= 1
open(p, 'wb').write(data)
PY
expect 4 inspector proof verify "$work/batch.tlog-proof"
grep -q "proof bundle:" "$work/err" || fail "altered proof bundle: no message"

echo "offline_verify: ok (genuine offline, tampered label refused, proof bundle verified and altered byte refused)"
