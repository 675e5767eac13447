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
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin offline_verify "${1:-build/dev}" labelgen/labelgen \
  tests/client/issue_labels_tool
labelgen="$build/labelgen/labelgen"
issue="$build/tests/client/issue_labels_tool"

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

gtin=8934563123451
lot=L2024A

step="traced --init"
e2e_init_traced "$work/data"
e2e_start_traced "$work/traced.log" --data "$work/data" --listen 127.0.0.1:0

step="story"
e2e_add_cooperative
e2e_add_certifier
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
e2e_stop_traced

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
