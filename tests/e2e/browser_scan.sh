#!/usr/bin/env bash
# End-to-end in a real browser: a shopper scans a printed label.
#
# A temporary traced (own data directory, free loopback ports, the
# consumers' door on HTTP with the label URLs' resolver base pointing at
# it), the story played with tracectl (cooperative, product, 4★
# certificate, batch, harvest -> packing -> shipping), labels issued over
# gRPC (tests/client/issue_labels_tool), one label rendered to PNG by
# labelgen and decoded by zbarimg, and the decoded URL opened in
# headless Chromium: the resolver's 307, then the scan page, whose verdict,
# stars, certificate status and verified journey are checked in the DOM. A
# phone-sized screenshot is saved as a test artifact:
#   <build>/artifacts/browser_scan/scan-page.png      (genuine label, vi)
#   <build>/artifacts/browser_scan/scan-page-en.png   (the same, English)
#   <build>/artifacts/browser_scan/tampered-page.png  (altered serial)
# traced is always stopped and the temporary directory removed.
#
#   bash tests/e2e/browser_scan.sh build/dev
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin browser_scan "${1:-build/dev}" labelgen/labelgen \
  tests/client/issue_labels_tool
e2e_require chromium zbarimg python3
labelgen="$build/labelgen/labelgen"
issue_labels="$build/tests/client/issue_labels_tool"
artifacts="$build/artifacts/browser_scan"
mkdir -p "$artifacts"

# Headless Chromium as the machine allows it (no sandbox as root, no
# background network), a fresh profile each time, as a phone set to
# Vietnamese (Accept-Language: vi) unless LANG_TAG says otherwise.
browse() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --lang="${LANG_TAG:-vi}" --accept-lang="${LANG_TAG:-vi}" \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$work/chromium.XXXXXX")" "$@" 2>>"$work/chromium.log"
}

gtin=8934563123451
lot=L2024A

# --- 1. traced with the consumers' door -------------------------------------
step="traced --init"
http_port="$(free_port)"
base="http://127.0.0.1:$http_port"
e2e_init_traced "$work/data" --resolver-base "$base" --http "127.0.0.1:$http_port"
grep -q '"http": "127.0.0.1:'"$http_port"'"' "$work/data/traced.json" ||
  fail "--init did not save the HTTP address in traced.json"

step="start traced"
e2e_start_traced "$work/traced.log" --data "$work/data" --listen 127.0.0.1:0
for _ in $(seq 1 50); do
  grep -q "^traced: serving HTTP on 127.0.0.1:$http_port " "$work/traced.log" && break
  sleep 0.1
done
grep -q "^traced: serving HTTP on 127.0.0.1:$http_port " "$work/traced.log" ||
  fail "traced did not report its HTTP address"
curl -fsS "$base/healthz" | grep -q ok || fail "/healthz"
echo "browser_scan: traced on $address (gRPC) and $base (HTTP)"

# --- 2. The story, with tracectl ---------------------------------------------
step="story"
e2e_add_cooperative
e2e_add_certifier
as producer product add --gtin "$gtin" --name "Miến dong Tài Hoan" \
  --group food --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 \
  --net-content "500 g" >/dev/null
decision_day="$(days_from_today -30)"
as certifier cert issue --number GCN-OCOP-E2E-015 --decision "1234/QĐ-UBND" \
  --decision-date "$decision_day" --issuer "UBND tỉnh Bắc Kạn" \
  --level provincial --stars 4 --score 78.5 --product "$gtin" \
  --producer htx-tai-hoan >/dev/null
as producer batch create --gtin "$gtin" --lot "$lot" \
  --production-date "$(days_from_today -3)" --expiry "$(days_from_today 362)" \
  --quantity 500 --unit KGM --origin vietgap:VG-BK-0123 >/dev/null
as producer event record "$gtin/$lot" --step commissioning --time "$(hours_ago 50)" \
  --place "Vùng trồng dong riềng thôn Chè Cọ" --quantity 2000 --unit KGM >/dev/null
as producer event record "$gtin/$lot" --step packing --time "$(hours_ago 26)" \
  --place "Xưởng sản xuất HTX Tài Hoan" --quantity 500 --unit KGM >/dev/null
as producer event record "$gtin/$lot" --step shipping --time "$(hours_ago 2)" \
  --place "Xưởng sản xuất HTX Tài Hoan" --quantity 200 --unit KGM \
  --to "Siêu thị Co.opmart Thái Nguyên" >/dev/null

# --- 3. Labels: issue, render, decode ----------------------------------------
step="issue labels"
"$issue_labels" "$address" "$producer_token" "$gtin" "$lot" 3 >"$work/urls.txt"
[[ "$(wc -l <"$work/urls.txt")" -eq 3 ]] || fail "did not get 3 label URLs"
expected_url="$(head -n 1 "$work/urls.txt")"
[[ "$expected_url" == "$base/01/0$gtin/10/$lot/21/"*"?s="* ]] ||
  fail "unexpected label URL: $expected_url"

step="render and decode"
serial="${expected_url##*/21/}"
serial="${serial%%\?*}"
"$labelgen" --url "$expected_url" --product-name "Miến dong Tài Hoan" \
  --producer-name "HTX Tài Hoan" --lot "$lot" --serial "$serial" --stars 4 \
  --format png --out "$work/label.png" >/dev/null
cp "$work/label.png" "$artifacts/label.png"
url="$(zbarimg --nodbus --raw -q "$work/label.png" 2>/dev/null)"
[[ "$url" == "$expected_url" ]] || fail "zbar read '$url', expected '$expected_url'"
echo "browser_scan: the label's QR code reads $url"

# Journeys are marked verified against a signed checkpoint (one a second).
sleep 1.5

# --- 4. The shopper's browser ------------------------------------------------
step="redirect"
location="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
[[ "$location" == "307 $base/p/01/0$gtin/10/$lot/21/"* ]] ||
  fail "the label URL did not redirect to the scan page: $location"

step="scan page in Chromium"
browse --dump-dom "$url" >"$work/page.html"
dom="$work/page.html"
check() {
  grep -qF -- "$1" "$dom" || {
    cp "$dom" "$artifacts/failed-$(basename "$dom")"
    fail "the page does not show: $1 (DOM kept in $artifacts/failed-$(basename "$dom"))"
  }
}
check 'data-verdict="genuine"'
check 'Tem chính hãng'
check 'id="stars"'
check '★★★★☆'
check "còn hiệu lực đến"
check 'GCN-OCOP-E2E-015'
check 'Miến dong Tài Hoan'
check 'HTX Tài Hoan'
check 'Xã Côn Minh, tỉnh Thái Nguyên'
check 'data-step="commissioning"'
check 'data-step="packing"'
check 'data-step="shipping"'
verified="$(grep -o 'đã xác minh' "$dom" | wc -l)"
[[ "$verified" -eq 5 ]] ||
  fail "the journey shows $verified verified steps, expected 5 (batch, 3 events, labels)"
grep -q 'chưa xác minh' "$dom" && fail "a journey step is not verified"

step="screenshots"
browse --screenshot="$artifacts/scan-page.png" --window-size=412,915 \
  --hide-scrollbars "$url" >/dev/null
LANG_TAG=en browse --screenshot="$artifacts/scan-page-en.png" \
  --window-size=412,915 --hide-scrollbars "$url" >/dev/null
[[ -s "$artifacts/scan-page.png" && -s "$artifacts/scan-page-en.png" ]] ||
  fail "no screenshot written"

step="tampered label"
first="${serial:0:1}"
[[ "$first" == "A" ]] && other=B || other=A
tampered="${url/\/21\/$serial/\/21\/$other${serial:1}}"
browse --dump-dom "$tampered" >"$work/tampered.html"
dom="$work/tampered.html"
check 'data-verdict="not_genuine"'
check 'data-reason="bad_signature"'
check 'Không xác thực được'
browse --screenshot="$artifacts/tampered-page.png" --window-size=412,915 \
  --hide-scrollbars "$tampered" >/dev/null

step="certificate page"
browse --dump-dom "$base/cert/GCN-OCOP-E2E-015" >"$work/cert.html"
dom="$work/cert.html"
check 'data-status="active"'
check 'Chứng nhận còn hiệu lực'

step="stop traced"
e2e_stop_traced

echo "browser_scan: screenshots in $artifacts"
e2e_done
