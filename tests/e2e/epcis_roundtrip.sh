#!/usr/bin/env bash
# EPCIS round trip over the real binaries (docs/epcis.md): two fresh traced
# servers, A and B, each with its own admin and its own producer user (the
# same cooperative, registered on both, with a different key on each).
#
#   A: the producer records a batch and its journey with tracectl
#   A: tracectl epcis export GTIN/LOT        -> an EPCIS 2.0 document
#   B: tracectl epcis capture FILE           -> the same events, signed on B
#                                               by B's producer key
#
# then checks that B re-exports the same events (same event hash IDs, same
# event content apart from the ledger proofs), that the journey on B (the
# step list of `tracectl history --json`) is A's, that every entry on B
# verifies and is signed by B's key, that capturing the file again stores
# nothing, that a bad document stores nothing, and that the portal export
# works. When traced serves HTTP (--http), the journey section of the scan
# page of A and B is compared too, and a document is captured over HTTP
# with an integration key. Both servers are always stopped and the
# temporary directory removed.
#
#   bash tests/e2e/epcis_roundtrip.sh build/dev
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin epcis_roundtrip "${1:-build/dev}"
e2e_timeout=60
declare -A pid

serves_http=0
if "$traced" --help 2>&1 | grep -q -- "--http"; then serves_http=1; fi
declare -A grpc http  # gRPC and HTTP host:port of each server

# start SERVER: a fresh traced (own data directory, free loopback ports).
start() {
  local server="$1"
  "$traced" --init --data "$work/data-$server" --origin "epcis-${server,,}.test" \
    >"$work/init-$server.txt"
  local flags=(--data "$work/data-$server" --listen 127.0.0.1:0)
  if [[ $serves_http -eq 1 ]]; then
    http[$server]="127.0.0.1:$(free_port)"
    flags+=(--http "${http[$server]}" --resolver-base "http://${http[$server]}")
  fi
  e2e_start_traced "$work/traced-$server.log" "${flags[@]}"
  pid[$server]=$traced_pid
  e2e_pids+=("$traced_pid")
  traced_pid=""
  grpc[$server]="$address"
}

# setup SERVER: admin, the cooperative, its producer user and key, the
# product. Prints nothing; the producer user is "producer-SERVER".
setup() {
  local server="$1" admin="admin-$1" producer="producer-$1" lc="${1,,}"
  local token
  token="$(awk '/tracectl config set token/ {print $NF}' "$work/init-$server.txt")"
  as "$admin" init --name "$admin" --server "${grpc[$server]}" \
    --token "$token" >/dev/null 2>&1
  as "$admin" producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
    --form cooperative --tax-code 4700123456 \
    --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" >/dev/null
  local producer_token
  producer_token="$(as "$admin" principal create --name "htx-tai-hoan-$lc" \
    --role producer --producer htx-tai-hoan --json |
    sed -n 's/.*"token": "\([^"]*\)".*/\1/p')"
  [[ -n "$producer_token" ]] || fail "no producer token on $server"
  as "$producer" init --name "htx-tai-hoan-$lc-1" \
    --server "${grpc[$server]}" --token "$producer_token" >/dev/null 2>&1
  as "$admin" key add --vkey "$(as "$producer" key mine)" --role producer \
    --producer htx-tai-hoan >/dev/null
  as "$producer" product add --gtin "$gtin" --name "Miến dong Tài Hoan" \
    --group food --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 \
    --net-content "500 g" >/dev/null
}

gtin=8934563123451
lot=L2024A
batch="$gtin/$lot"

step="start servers"
start A
start B
echo "epcis_roundtrip: traced A on ${grpc[A]}, B on ${grpc[B]}"
step="setup A"
setup A
step="setup B"
setup B

# --- 1. The journey on A -----------------------------------------------------
step="journey on A"
as producer-A batch create --gtin "$gtin" --lot "$lot" \
  --production-date "$(days_from_today -3)" --expiry "$(days_from_today 362)" \
  --quantity 500 --unit KGM --origin vietgap:VG-BK-0123 >/dev/null
as producer-A event record "$batch" --step commissioning --time "$(hours_ago 50)" \
  --place "Vùng trồng dong riềng thôn Chè Cọ" --quantity 2000 --unit KGM >/dev/null
as producer-A event record "$batch" --step transforming --time "$(hours_ago 40)" \
  --gln 8934563000103 --place "Xưởng sản xuất HTX Tài Hoan" \
  --quantity 500 --unit KGM --kde "moisture=12%" >/dev/null
as producer-A event record "$batch" --step packing --time "$(hours_ago 26)" \
  --gln 8934563000103 --quantity 500 --unit KGM --kde sscc=089345630000000016 \
  >/dev/null
as producer-A event record "$batch" --step shipping --time "$(hours_ago 2)" \
  --gln 8934563000103 --quantity 200 --unit KGM \
  --to "Siêu thị Co.opmart Thái Nguyên" --to-gln 8934563000202 >/dev/null

# --- 2. Export from A, capture into B ----------------------------------------
step="epcis export on A"
as producer-A epcis export "$batch" --out "$work/a.jsonld" >"$work/out" ||
  { cat "$work/out" >&2; fail "export on A"; }
grep -q "wrote 5 EPCIS events" "$work/out" || { cat "$work/out" >&2; fail "export count"; }

step="epcis capture into B"
as producer-B epcis capture "$work/a.jsonld" >"$work/capture1.txt" 2>"$work/err" ||
  { cat "$work/capture1.txt" "$work/err" >&2; fail "capture into B"; }
grep -q "5 events stored" "$work/capture1.txt" ||
  { cat "$work/capture1.txt" >&2; fail "capture did not store 5 events"; }

step="epcis export on B"
as producer-B epcis export "$batch" --out "$work/b.jsonld" >/dev/null

# --- 3. Same events, same journey --------------------------------------------
step="compare the documents"
python3 - "$work/a.jsonld" "$work/b.jsonld" <<'EOF' || fail "B's export differs from A's"
import json, sys
a, b = (json.load(open(path)) for path in sys.argv[1:3])
def events(document):
    out = []
    for event in document["epcisBody"]["eventList"]:
        event = dict(event)
        event.pop("ocop:ledgerEntry")
        out.append(event)
    return out
ea, eb = events(a), events(b)
ids_a = [e["eventID"] for e in ea]
ids_b = [e["eventID"] for e in eb]
if ids_a != ids_b:
    sys.exit(f"event hash IDs differ:\nA {ids_a}\nB {ids_b}")
if not all(i.startswith("ni:///sha-256;") for i in ids_a):
    sys.exit(f"not CBV 2.0 hash IDs: {ids_a}")
if ea != eb:
    for x, y in zip(ea, eb):
        if x != y:
            sys.exit(f"event differs:\nA {json.dumps(x, ensure_ascii=False)}\n"
                     f"B {json.dumps(y, ensure_ascii=False)}")
steps = [e.get("bizStep", e["type"]) for e in ea]
print("epcis_roundtrip: same", len(ids_a), "events:", " ".join(steps))
EOF

step="compare the journeys"
as producer-A history "$batch" --json >"$work/history-a.json"
as producer-B history "$batch" --json >"$work/history-b.json"
python3 - "$work/history-a.json" "$work/history-b.json" <<'EOF' || fail "journeys differ"
import json, sys
a, b = (json.load(open(path)) for path in sys.argv[1:3])
def journey(history):
    steps = []
    for item in history["items"]:
        event = item.get("event", {})
        steps.append((item["kind"], event.get("business_step"),
                      json.dumps(event.get("event_time"), sort_keys=True),
                      json.dumps(event.get("location"), sort_keys=True,
                                 ensure_ascii=False),
                      json.dumps(event.get("quantity"), sort_keys=True),
                      json.dumps(event.get("destination"), sort_keys=True,
                                 ensure_ascii=False)))
    return steps
if journey(a) != journey(b):
    sys.exit("A: %s\nB: %s" % (journey(a), journey(b)))
for history, server in ((a, "A"), (b, "B")):
    if not history["verified"] or history["verified_entries"] != 5:
        sys.exit(f"history on {server} does not verify 5 entries")
signers = {item["verified_signer"] for item in b["items"]}
if signers != {"htx-tai-hoan-b-1"}:
    sys.exit(f"entries on B are not all signed by B's producer key: {signers}")
print("epcis_roundtrip: same journey,", len(journey(a)), "entries; B's signed by",
      signers.pop())
EOF

# --- 4. Idempotent, and bad input stores nothing ------------------------------
step="capture again"
as producer-B epcis capture "$work/a.jsonld" >"$work/capture2.txt" 2>&1 ||
  { cat "$work/capture2.txt" >&2; fail "second capture"; }
grep -q "0 events stored (0 entries.*5 already stored" "$work/capture2.txt" ||
  { cat "$work/capture2.txt" >&2; fail "second capture stored something"; }

step="bad document"
python3 - "$work/a.jsonld" "$work/bad.jsonld" <<'EOF'
import json, sys
document = json.load(open(sys.argv[1]))
events = document["epcisBody"]["eventList"]
events[2]["bizStep"] = "urn:epcglobal:cbv:bizstep:packing"
events[3]["eventTimeZoneOffset"] = "+02:00"
for event in events:
    event.pop("ocop:ledgerEntry", None)
    event.pop("eventID", None)
    event["ocop:note"] = "changed"
json.dump(document, open(sys.argv[2], "w"), ensure_ascii=False)
EOF
size_before="$(as producer-B log checkpoint | sed -n 's/^size: *//p')"
status=0
as producer-B epcis capture "$work/bad.jsonld" >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 2 ]] || { cat "$work/out" "$work/err" >&2; fail "bad capture exited $status, expected 2"; }
grep -q "/epcisBody/eventList/2/bizStep \[urn-cbv-term\]" "$work/err" ||
  { cat "$work/err" >&2; fail "no problem naming the URN term"; }
grep -q "/epcisBody/eventList/3/eventTimeZoneOffset \[time-offset\]" "$work/err" ||
  { cat "$work/err" >&2; fail "no problem naming the offset"; }
grep -q "nothing stored (rollback)" "$work/err" || fail "no rollback message"
sleep 1.1
size_after="$(as producer-B log checkpoint | sed -n 's/^size: *//p')"
[[ "$size_before" == "$size_after" ]] ||
  fail "the log grew from $size_before to $size_after after a refused capture"

# --- 5. The national-portal export ---------------------------------------------
step="export portal"
as producer-B export portal "$batch" --out "$work/portal.json" >"$work/out"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "ocoptrace/portal-export/v1", d["format"]
assert len(d["stages"]) == 4, len(d["stages"])
' "$work/portal.json" || fail "portal export"

# --- 6. Over HTTP, when traced serves it ----------------------------------------
if [[ $serves_http -eq 1 ]]; then
  step="scan pages"
  page() { curl -fsSL -H "Accept-Language: en" "http://${http[$1]}/01/0$gtin/10/$lot"; }
  page A >"$work/page-a.html" || fail "no scan page on A"
  page B >"$work/page-b.html" || fail "no scan page on B"
  python3 - "$work/page-a.html" "$work/page-b.html" <<'EOF' || fail "scan-page journeys differ"
import re, sys
def journey(path):
    html = open(path, encoding="utf-8").read()
    match = re.search(r'<section[^>]*journey.*?</section>', html, re.S | re.I)
    if not match:
        sys.exit(f"{path}: no journey section")
    text = re.sub(r"<[^>]+>", " ", match.group(0))
    text = re.sub(r"(log index|entry|#)\s*\d+", "", text)
    return " ".join(text.split())
a, b = journey(sys.argv[1]), journey(sys.argv[2])
if a != b:
    sys.exit(f"A: {a}\nB: {b}")
print("epcis_roundtrip: same journey on both scan pages")
EOF
  step="HTTP capture with an integration key"
  erp_token="$(as admin-B principal create --name erp-b --role producer \
    --producer htx-tai-hoan --json | sed -n 's/.*"token": "\([^"]*\)".*/\1/p')"
  as admin-B epcis integration-key erp-b >/dev/null
  python3 - "$work/a.jsonld" "$work/http.jsonld" "$(hours_ago 1)" <<'EOF'
import json, sys
document = json.load(open(sys.argv[1]))
event = dict(document["epcisBody"]["eventList"][-1])
event.pop("ocop:ledgerEntry")
event.pop("eventID")
event["bizStep"] = "receiving"
event["eventTime"] = sys.argv[3]
event.pop("destinationList", None)
event["sourceList"] = [{"type": "owning_party",
                        "source": "https://id.gs1.org/417/8934563000103"}]
document["epcisBody"]["eventList"] = [event]
# Padded past the HTTP server's default body limit (1 MiB): capture routes
# take up to 16 MiB.
text = json.dumps(document, ensure_ascii=False) + " " * (2 << 20)
open(sys.argv[2], "w").write(text)
EOF
  curl -sS -D "$work/headers" -o "$work/body" -H "Authorization: Bearer $erp_token" \
    -H "Content-Type: application/ld+json" --data-binary "@$work/http.jsonld" \
    "http://${http[B]}/epcis/capture"
  grep -q "^HTTP/1.1 202" "$work/headers" || { cat "$work/headers" "$work/body" >&2; fail "HTTP capture not accepted"; }
  location="$(sed -n 's/^Location: *\([^[:space:]]*\).*/\1/Ip' "$work/headers")"
  for _ in $(seq 1 50); do
    curl -fsS -H "Authorization: Bearer $erp_token" "http://${http[B]}$location" >"$work/job"
    grep -q '"running":false' "$work/job" && break
    sleep 0.1
  done
  grep -q '"success":true' "$work/job" || { cat "$work/job" >&2; fail "HTTP capture job"; }
  as producer-B history "$batch" | grep -q "erp-b.epcis-1" ||
    fail "the HTTP-captured event is not signed by the integration key"
else
  echo "epcis_roundtrip: traced serves no HTTP yet; scan-page and HTTP steps skipped"
fi

step="stop"
for server in A B; do
  kill -TERM "${pid[$server]}"
  wait "${pid[$server]}" || fail "traced $server did not stop cleanly"
  unset "pid[$server]"
done
e2e_done
