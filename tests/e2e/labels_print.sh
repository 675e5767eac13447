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
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin labels_print "${1:-build/dev}"
e2e_require pdftoppm zbarimg
e2e_timeout=60

gtin=8934563123451
lot=L2024-IN
batch="$gtin/$lot"

# --- 1. A fresh server ---------------------------------------------------------
step="traced --init"
e2e_init_traced "$work/data"

step="start traced"
e2e_start_traced "$work/traced.log" --data "$work/data" --listen 127.0.0.1:0
echo "labels_print: traced serving on $address"

# --- 2. The cooperative, its producer, a product and a batch --------------------
step="cooperative"
e2e_add_cooperative
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

e2e_stop_traced
e2e_done
