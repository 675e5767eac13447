#!/usr/bin/env bash
# End-to-end story over the real binaries: a temporary traced (own data
# directory, a free loopback port) and four tracectl users, each with its own
# HOME and config:
#
#   admin (provincial OCOP office)  registers the cooperative, creates the
#                                   producer and certifier principals, adds
#                                   their keys
#   producer (HTX Tài Hoan)         registers a product, creates a batch,
#                                   records commissioning → packing → shipping
#   certifier (OCOP council)        issues a 4★ certificate
#   auditor (anyone, no token)      verifies the log's checkpoints
#
# then checks that `tracectl history` verifies 4 entries client-side, that
# `tracectl log verify` sees a consistent log, and that bad input gives the
# documented exit codes and messages. traced is always stopped and the
# temporary directory removed, whatever happens.
#
#   bash tests/e2e/service_story.sh build/dev
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin service_story "${1:-build/dev}"

# expect_exit CODE TEXT USER ARGS...: the command must exit with CODE and
# print TEXT on stderr.
expect_exit() {
  local code="$1" text="$2"
  shift 2
  local actual=0
  as "$@" >"$work/out" 2>"$work/err" || actual=$?
  if [[ $actual -ne $code ]]; then
    cat "$work/out" "$work/err" >&2
    fail "'tracectl ${*:2}' exited $actual, expected $code"
  fi
  grep -qF -- "$text" "$work/err" ||
    { cat "$work/err" >&2; fail "'tracectl ${*:2}' did not say: $text"; }
}

gtin=8934563123451
batch="$gtin/L2024A"

# --- 1. A fresh server -------------------------------------------------------
step="traced --init"
e2e_init_traced "$work/data"

# start_traced DATA_DIR [FLAGS...]: serves on a free loopback port; sets
# traced_pid and address (tests/e2e/lib/common.sh).
start_traced() {
  local data="$1"
  shift
  e2e_start_traced "$work/traced.log" --data "$data" --listen 127.0.0.1:0 "$@"
}

step="start traced"
start_traced "$work/data"
echo "service_story: traced serving on $address"

# --- 2. Admin: the cooperative and its people -------------------------------
step="admin init"
as admin init --name e2e-admin --server "$address" --token "$admin_token" \
  >/dev/null 2>"$work/err"
grep -q "TRUST ON FIRST USE" "$work/err" || fail "init did not pin the log key loudly"
as admin whoami | grep -q "role:.*admin" || fail "admin whoami"

step="producer add"
as admin producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
  --form cooperative --tax-code 4700123456 \
  --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" \
  --commune-name "Xã Côn Minh" --province-code 06 --province-name "Tỉnh Bắc Kạn" \
  >/dev/null

step="principal create"
token_of() { sed -n 's/.*"token": "\([^"]*\)".*/\1/p'; }
producer_token="$(as admin principal create --name htx-tai-hoan-staff \
  --role producer --producer htx-tai-hoan --display-name "Tổ sản xuất" --json |
  token_of)"
certifier_token="$(as admin principal create --name ocop-council \
  --role certifier --json | token_of)"
[[ -n "$producer_token" && -n "$certifier_token" ]] || fail "no principal tokens"

step="users init"
as producer init --name htx-tai-hoan-1 --server "$address" \
  --token "$producer_token" >/dev/null 2>&1
as certifier init --name ocop-council-1 --server "$address" \
  --token "$certifier_token" >/dev/null 2>&1
producer_vkey="$(as producer key mine)"
certifier_vkey="$(as certifier key mine)"
[[ "$producer_vkey" == htx-tai-hoan-1+* ]] || fail "bad producer vkey: $producer_vkey"

step="key add"
as admin key add --vkey "$producer_vkey" --role producer \
  --producer htx-tai-hoan >/dev/null
as admin key add --vkey "$certifier_vkey" --role certifier \
  --holder ocop-council >/dev/null
as admin key list | grep -q "ocop-council-1" || fail "certifier key not listed"

# --- 3. Product and certificate ---------------------------------------------
step="product add"
as producer product add --gtin "$gtin" --name "Miến dong Tài Hoan" \
  --group food --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 \
  --net-content "500 g" >/dev/null

step="cert issue"
as certifier cert issue --number GCN-OCOP-E2E-015 --decision "1234/QĐ-UBND" \
  --decision-date "$(days_from_today -30)" --issuer "UBND tỉnh Bắc Kạn" \
  --level provincial --stars 4 --score 78.5 --product "$gtin" \
  --producer htx-tai-hoan >/dev/null
as producer product get "$gtin" | grep -q "OCOP stars today: 4 ★★★★" ||
  fail "product does not show the active 4★ certificate"
as certifier cert get GCN-OCOP-E2E-015 | grep -q "status:.*active" ||
  fail "certificate is not active"

# --- 4. Batch and events ------------------------------------------------------
step="batch create"
as producer batch create --gtin "$gtin" --lot L2024A \
  --production-date "$(days_from_today -3)" --expiry "$(days_from_today 362)" \
  --quantity 500 --unit KGM --origin vietgap:VG-BK-0123 >/dev/null

step="events"
as producer event record "$batch" --step commissioning --time "$(hours_ago 50)" \
  --place "Vùng trồng dong riềng thôn Chè Cọ" --quantity 2000 --unit KGM \
  >/dev/null
as producer event record "$batch" --step packing --time "$(hours_ago 26)" \
  --place "Xưởng sản xuất HTX Tài Hoan" --quantity 500 --unit KGM \
  --kde "moisture=12%" >/dev/null
as producer event record "$batch" --step shipping --time "$(hours_ago 2)" \
  --place "Xưởng sản xuất HTX Tài Hoan" --quantity 200 --unit KGM \
  --to "Siêu thị Co.opmart Thái Nguyên" >/dev/null

# --- 5. History, verified client-side ----------------------------------------
step="history"
as producer history "$batch" >"$work/history.txt"
grep -q "4 of 4 entries verified" "$work/history.txt" ||
  { cat "$work/history.txt" >&2; fail "history did not verify 4 entries"; }
[[ "$(grep -c '✓$' "$work/history.txt")" -eq 4 ]] ||
  { cat "$work/history.txt" >&2; fail "history does not mark 4 entries ✓"; }
for kind in batch.created event.commissioning event.packing event.shipping; do
  grep -q "$kind" "$work/history.txt" || fail "history lacks $kind"
done
# The certifier reads the same history and verifies it independently.
as certifier history "$batch" --json >"$work/history.json"
grep -q '"verified": true' "$work/history.json" || fail "history --json not verified"
grep -q '"verified_entries": 4' "$work/history.json" || fail "history --json count"

# --- 6. The log, audited by someone without a token ---------------------------
step="log verify"
as auditor log verify --server "$address" >"$work/verify1.txt" 2>"$work/err"
grep -q "first checkpoint seen" "$work/verify1.txt" || fail "first log verify"
grep -q "TRUST ON FIRST USE" "$work/err" || fail "auditor's TOFU notice"
as auditor log checkpoint --server "$address" | grep -q "origin:.*e2e.ocop.test/log" ||
  fail "log checkpoint origin"
# The log grows; the auditor checks it only grew.
as producer event record "$batch" --step storing \
  --place "Kho HTX Tài Hoan" >/dev/null
sleep 1.1  # Checkpoints are signed at most once a second.
as auditor log verify --server "$address" >"$work/verify2.txt"
grep -q "consistent with the checkpoint seen before" "$work/verify2.txt" ||
  { cat "$work/verify2.txt" >&2; fail "second log verify"; }
as producer log verify >/dev/null

# --- 7. Bad input: clear errors and the documented exit codes -----------------
step="bad input"
expect_exit 2 "check digit should be 1, not 2" producer product add \
  --gtin 8934563123452 --name "Sai mã" --group food
expect_exit 2 "lot (AI 10): 'ô' at position 2" producer batch create \
  --gtin "$gtin" --lot "Lô-Một" --production-date "$(days_from_today 0)" \
  --quantity 1 --unit KGM
expect_exit 2 "error: " certifier cert issue --number GCN-OCOP-E2E-016 \
  --decision "1235/QĐ-UBND" --decision-date "$(days_from_today -1)" \
  --issuer "UBND tỉnh Bắc Kạn" --level provincial --stars 4 --score 65 \
  --product "$gtin" --producer htx-tai-hoan
expect_exit 3 "error: " producer event record "$gtin/NO-SUCH-LOT" \
  --step packing --place "Xưởng"
expect_exit 3 "error: " producer cert revoke GCN-OCOP-E2E-015 \
  --decision "9/QĐ" --reason "không có quyền"
expect_exit 5 "cannot reach traced" auditor log checkpoint \
  --server 127.0.0.1:1
# --- 8. Stop ------------------------------------------------------------------
step="stop traced"
e2e_stop_traced

# --- 9. A server that rewrites history ----------------------------------------
# Same log key (the keys directory copied), but a different log: its
# checkpoints verify under the pinned key, yet cannot be consistent with
# what the auditor saw. `log verify` must refuse loudly with exit code 4.
step="rewritten log"
mkdir -p "$work/forged"
cp -a "$work/data/keys" "$work/forged/keys"
forged_token="$("$traced" --init --data "$work/forged" --origin e2e.ocop.test |
  awk '/tracectl config set token/ {print $NF}')"
start_traced "$work/forged"
seen_size="$(sed -n 's/^size: *//p' "$work/verify2.txt")"
for i in $(seq 1 "$seen_size"); do  # Grow past what the auditor saw.
  as forger producer add --server "$address" --token "$forged_token" \
    --id "htx-gia-$i" --name "HTX giả $i" --form household \
    --address "không có thật" >/dev/null
done
expect_exit 4 "the log rewrote history" auditor log verify --server "$address"
grep -q "LOG VERIFICATION FAILED" "$work/err" || fail "no loud rewrite warning"
ls "$work/home/auditor/.config/ocoptrace/"last-checkpoint.txt.conflict-*.txt \
  >/dev/null || fail "no evidence kept"
e2e_stop_traced

# --- 10. TLS ------------------------------------------------------------------
# A server with a certificate from a private CA: trusted with --ca-cert; a
# plaintext client cannot talk to it.
if command -v openssl >/dev/null; then
  step="TLS"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$work/tls-key.pem" -out "$work/tls-cert.pem" >/dev/null 2>&1
  start_traced "$work/data" --tls-cert "$work/tls-cert.pem" \
    --tls-key "$work/tls-key.pem"
  grep -q "(TLS)" "$work/traced.log" || fail "traced is not serving TLS"
  as auditor log verify --server "$address" --ca-cert "$work/tls-cert.pem" |
    grep -q "consistent with the checkpoint seen before" ||
    fail "log verify over TLS"
  expect_exit 5 "--ca-cert" tlsless log checkpoint --server "$address"
  e2e_stop_traced
else
  echo "service_story: openssl not found; TLS step skipped"
fi

e2e_done
