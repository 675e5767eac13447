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

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-build/dev}"
[[ "$build" = /* ]] || build="$repo/$build"
traced="$build/server/traced"
tracectl="$build/client/tracectl"
labelgen="$build/labelgen/labelgen"
issue_labels="$build/tests/client/issue_labels_tool"
for binary in "$traced" "$tracectl" "$labelgen" "$issue_labels"; do
  if [[ ! -x "$binary" ]]; then
    echo "browser_scan: $binary is missing; build first (deploy/build.sh dev)" >&2
    exit 1
  fi
done
for tool in chromium zbarimg python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "browser_scan: $tool is not installed (deploy/install-deps.sh installs it)" >&2
    exit 1
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ocoptrace-browser.XXXXXX")"
artifacts="$build/artifacts/browser_scan"
mkdir -p "$artifacts"
traced_pid=""
step="setup"

cleanup() {
  local status=$?
  if [[ -n "$traced_pid" ]] && kill -0 "$traced_pid" 2>/dev/null; then
    kill -TERM "$traced_pid" 2>/dev/null || true
    wait "$traced_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "browser_scan: FAILED at step: $step" >&2
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
  echo "browser_scan: $*" >&2
  exit 1
}

as() {
  local user="$1"
  shift
  env -u OCOPTRACE_CONFIG -u OCOPTRACE_SERVER -u OCOPTRACE_TOKEN \
    -u OCOPTRACE_KEY -u OCOPTRACE_KEY_NAME -u OCOPTRACE_CA_CERT \
    HOME="$work/home/$user" USER="$user" "$tracectl" --timeout 20 "$@"
}

# Headless Chromium as the machine allows it (no sandbox as root, no
# background network), a fresh profile each time, as a phone set to
# Vietnamese (Accept-Language: vi) unless LANG_TAG says otherwise.
browse() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --lang="${LANG_TAG:-vi}" --accept-lang="${LANG_TAG:-vi}" \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$work/chromium.XXXXXX")" "$@" 2>>"$work/chromium.log"
}

hours_ago() {
  date -u -d "@$(($(date +%s) - $1 * 3600 + 7 * 3600))" +%Y-%m-%dT%H:%M:%S+07:00
}
days_from_today() {
  date -u -d "@$(($(date +%s) + $1 * 86400 + 7 * 3600))" +%Y-%m-%d
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

gtin=8934563123451
lot=L2024A
start_seconds=$SECONDS

# --- 1. traced with the consumers' door -------------------------------------
step="traced --init"
http_port="$(free_port)"
base="http://127.0.0.1:$http_port"
"$traced" --init --data "$work/data" --origin e2e.ocop.test \
  --resolver-base "$base" --http "127.0.0.1:$http_port" >"$work/init.txt"
grep -q '"http": "127.0.0.1:'"$http_port"'"' "$work/data/traced.json" ||
  fail "--init did not save the HTTP address in traced.json"
admin_token="$(awk '/tracectl config set token/ {print $NF}' "$work/init.txt")"
[[ -n "$admin_token" ]] || fail "no admin token printed"

step="start traced"
"$traced" --data "$work/data" --listen 127.0.0.1:0 2>"$work/traced.log" &
traced_pid=$!
address=""
for _ in $(seq 1 100); do
  address="$(sed -n 's/^traced: serving gRPC on \([^ ]*\) .*/\1/p' "$work/traced.log")"
  grep -q "^traced: serving HTTP on 127.0.0.1:$http_port " "$work/traced.log" &&
    [[ -n "$address" ]] && break
  kill -0 "$traced_pid" 2>/dev/null || fail "traced exited while starting"
  sleep 0.1
done
grep -q "^traced: serving HTTP on 127.0.0.1:$http_port " "$work/traced.log" ||
  fail "traced did not report its HTTP address"
curl -fsS "$base/healthz" | grep -q ok || fail "/healthz"
echo "browser_scan: traced on $address (gRPC) and $base (HTTP)"

# --- 2. The story, with tracectl ---------------------------------------------
step="story"
as admin init --name e2e-admin --server "$address" --token "$admin_token" \
  >/dev/null 2>&1
as admin producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
  --form cooperative --tax-code 4700123456 \
  --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" \
  --commune-name "Xã Côn Minh" --province-code 06 --province-name "Tỉnh Bắc Kạn" \
  >/dev/null
token_of() { sed -n 's/.*"token": "\([^"]*\)".*/\1/p'; }
producer_token="$(as admin principal create --name htx-tai-hoan-staff \
  --role producer --producer htx-tai-hoan --display-name "Tổ sản xuất" --json |
  token_of)"
certifier_token="$(as admin principal create --name ocop-council \
  --role certifier --json | token_of)"
[[ -n "$producer_token" && -n "$certifier_token" ]] || fail "no principal tokens"
as producer init --name htx-tai-hoan-1 --server "$address" \
  --token "$producer_token" >/dev/null 2>&1
as certifier init --name ocop-council-1 --server "$address" \
  --token "$certifier_token" >/dev/null 2>&1
as admin key add --vkey "$(as producer key mine)" --role producer \
  --producer htx-tai-hoan >/dev/null
as admin key add --vkey "$(as certifier key mine)" --role certifier \
  --holder ocop-council >/dev/null
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
kill -TERM "$traced_pid"
wait "$traced_pid" || fail "traced did not stop cleanly"
traced_pid=""
grep -q "serving HTTP" "$work/traced.log"

echo "browser_scan: screenshots in $artifacts"
echo "browser_scan: ok in $((SECONDS - start_seconds)) s"
