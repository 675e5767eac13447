#!/usr/bin/env bash
# Durability of the real daemon: traced is killed with SIGKILL in the middle
# of a load of signed events and restarted on the same data directory.
#
# A temporary traced (own data directory, a free loopback port), a
# cooperative with its producer key and a product, then
# tests/server/rpc/event_load_tool recording events on 16 batches from 8
# threads and printing every acknowledged entry. While acknowledgements
# stream in, the producer's tracectl audits the log (`log verify`, which
# remembers the checkpoint it saw); then traced gets kill -9 at a random
# moment. After a restart on the same directory:
#   - every acknowledged entry is in its batch's chain (the chain is at
#     least as long as the highest acknowledged seq + 1) and every entry of
#     every chain verifies client-side (`tracectl history`: signature,
#     chain link, inclusion proof);
#   - the new checkpoint is consistent with the one seen before the kill
#     (`tracectl log verify` exits 0, not 4);
#   - the server takes new writes on the same chains.
# Two kill rounds. traced is always stopped and the temporary directory
# removed.
#
#   bash tests/e2e/kill_traced.sh build/dev
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
e2e_begin kill_traced "${1:-build/dev}" tests/server/rpc/event_load_tool
load_tool="$build/tests/server/rpc/event_load_tool"
e2e_timeout=60
load_pid=""

address="127.0.0.1:$(free_port)"
start_traced() {
  e2e_start_traced "$work/traced.log" --data "$work/data" --listen "$address"
}

gtin=8934563123451
batches=16

# --- 1. A fresh server, a producer and a product ---------------------------------
step="traced --init"
e2e_init_traced "$work/data"
step="start traced"
start_traced
echo "kill_traced: traced serving on $address"

step="producer"
e2e_add_cooperative
as producer product add --gtin "$gtin" --name "Miến dong Tài Hoan" \
  --group food --standard "TCCS 01:2021/HTXTH" --shelf-life-days 365 >/dev/null
key_pem="$work/home/producer/.config/ocoptrace/key.pem"
[[ -f "$key_pem" ]] || fail "the producer's key is not at $key_pem"

# --- 2. Kill rounds --------------------------------------------------------------
for round in 1 2; do
  step="load, round $round"
  acks="$work/acks-$round.txt"
  "$load_tool" "$address" "$producer_token" "$key_pem" htx-tai-hoan-1 \
    "0$gtin" "K$round-" "$batches" 8 >"$acks" 2>"$work/load-$round.err" &
  load_pid=$!
  e2e_pids=("$load_pid")
  # Let acknowledgements stream in, audit the log under load, then wait a
  # random extra moment so the kill lands anywhere in a group commit.
  for _ in $(seq 1 300); do
    [[ "$(wc -l <"$acks")" -ge 300 ]] && break
    kill -0 "$load_pid" 2>/dev/null || { cat "$work/load-$round.err" >&2; fail "the load stopped early"; }
    sleep 0.05
  done
  as producer log verify >/dev/null || fail "log verify under load"
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"

  step="kill -9, round $round"
  kill -KILL "$traced_pid"
  wait "$traced_pid" 2>/dev/null || true
  traced_pid=""
  wait "$load_pid" || { cat "$work/load-$round.err" >&2; fail "the load tool failed"; }
  load_pid=""
  acknowledged="$(wc -l <"$acks")"
  [[ "$acknowledged" -ge 300 ]] || fail "only $acknowledged acknowledgements before the kill"

  step="restart, round $round"
  start_traced

  step="check, round $round"
  # The highest acknowledged seq of each batch.
  awk '{ if (!($2 in max) || $3 > max[$2]) max[$2] = $3 } END { for (s in max) print s, max[s] }' \
    "$acks" >"$work/max-$round.txt"
  [[ "$(wc -l <"$work/max-$round.txt")" -eq "$batches" ]] ||
    fail "acknowledgements cover $(wc -l <"$work/max-$round.txt") batches, expected $batches"
  while read -r subject max_seq; do
    batch="${subject#batch/}"
    as producer --json history "$batch" >"$work/history.json" ||
      fail "history of $batch does not verify after the restart"
    python3 - "$work/history.json" "$max_seq" "$batch" <<'EOF' || fail "history of $batch after the restart"
import json, sys
history = json.load(open(sys.argv[1]))
max_seq, batch = int(sys.argv[2]), sys.argv[3]
entries = len(history["items"])
if entries < max_seq + 1:
    sys.exit(f"{batch}: {entries} entries, but seq {max_seq} was acknowledged")
if not history["verified"] or history["verified_entries"] != entries:
    sys.exit(f"{batch}: {history['verified_entries']} of {entries} entries verify")
EOF
  done <"$work/max-$round.txt"
  # Every acknowledged index is below the new tree size.
  as producer log verify >"$work/verify.txt" ||
    { cat "$work/verify.txt" >&2; fail "the log after the restart is not consistent with the checkpoint seen before the kill"; }
  grep -q "consistent" "$work/verify.txt" || fail "log verify did not check consistency"
  echo "kill_traced: round $round: $acknowledged acknowledged entries, all present and verified after kill -9"
done

# --- 3. Writes go on ---------------------------------------------------------------
step="write after restart"
as producer event record "0$gtin/K1-1" --step storing \
  --place "Kho HTX Tài Hoan" --quantity 10 --unit KGM >/dev/null ||
  fail "no write after the restart"

e2e_stop_traced
e2e_done
