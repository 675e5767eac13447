#!/usr/bin/env bash
# The README's first command: from a clone on Debian 12, installs what is
# missing, builds, starts traced in the background on an embedded RocksDB
# under ./var/, loads the Bắc Kạn demo dataset (deploy/demo/backan.json),
# issues a sheet of QR labels for a batch of Miến dong Tài Hoan to
# out/labels.pdf and one label to out/label.png, and prints the label's URL
# to open in a browser and the commands to try next.
#
#   deploy/quickstart.sh          # start (again): reuses build, data, labels
#   deploy/quickstart.sh --stop   # stop traced (var/traced.pid)
#
# Environment:
#   OCOPTRACE_BUILD_DIR   use the binaries of this existing build directory
#                         (server/traced, client/tracectl) instead of
#                         building build/dev with deploy/build.sh
#   OCOPTRACE_GRPC_PORT   gRPC port on 127.0.0.1 (default 7443)
#   OCOPTRACE_HTTP_PORT   HTTP port on 127.0.0.1 (default 8080)
# The ports are chosen on the first run (a free one when the wanted one is
# taken) and kept in var/data/traced.json; label URLs carry the HTTP port.
#
# Files: var/data/ (traced's data directory), var/admin-token (the admin's
# bearer token, 0600), var/admin/config.json (tracectl as the admin),
# var/demo/ (the demo people's tokens, keys and configs), var/traced.pid,
# var/traced.log, out/labels.pdf, out/label.png and their issuance files.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

say() { printf '%s\n' "$*"; }
die() {
  printf 'quickstart: %s\n' "$*" >&2
  exit 1
}

pid_file=var/traced.pid
log_file=var/traced.log

# The pid of the traced this script started, if it is still running.
running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Not some other process that got the pid later.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "traced" || return 1
  echo "$pid"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    say "traced is not running (nothing to stop)."
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    die "traced (pid $pid) did not stop within 15 s; see $log_file"
  fi
  rm -f "$pid_file"
  say "traced (pid $pid) stopped. Start it again with deploy/quickstart.sh;"
  say "the data stays in var/ (delete var/ and out/ to start from scratch)."
}

case "${1:-}" in
  --stop)
    stop
    exit 0
    ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
  "") ;;
  *) die "unknown argument '$1'; use no argument to start, --stop to stop" ;;
esac

umask 077
mkdir -p var out
chmod 700 var

# --- 1. Dependencies and binaries -------------------------------------------
if [[ -n "${OCOPTRACE_BUILD_DIR:-}" ]]; then
  build="$OCOPTRACE_BUILD_DIR"
  [[ "$build" = /* ]] || build="$repo/$build"
  for binary in server/traced client/tracectl; do
    [[ -x "$build/$binary" ]] ||
      die "OCOPTRACE_BUILD_DIR=$build has no $binary; build it (cmake --build $build --target traced tracectl) or unset OCOPTRACE_BUILD_DIR"
  done
  deploy/install-deps.sh --runtime
else
  build="$repo/build/dev"
  deploy/install-deps.sh
  if [[ ! -x "$build/server/traced" || ! -x "$build/client/tracectl" ]]; then
    say "quickstart: building ocoptrace in build/dev (the first build takes a while; log: var/build.log)..."
  fi
  deploy/build.sh dev >var/build.log 2>&1 || {
    tail -n 30 var/build.log >&2
    die "the build failed; the full log is var/build.log"
  }
fi
traced="$build/server/traced"
tracectl="$build/client/tracectl"
# How to spell the binary in the commands printed for the user.
shown_tracectl="$tracectl"
[[ "$shown_tracectl" == "$repo/"* ]] && shown_tracectl="${shown_tracectl#"$repo/"}"

# --- 2. traced's data directory, once ---------------------------------------
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    port_in_use "$port" || {
      echo "$port"
      return 0
    }
  done
  die "no free port found on 127.0.0.1"
}
pick_port() {  # pick_port WANTED WHAT
  if port_in_use "$1"; then
    local port
    port="$(free_port)"
    say "quickstart: port $1 ($2) is taken; using $port instead." >&2
    echo "$port"
  else
    echo "$1"
  fi
}

admin_config=var/admin/config.json
if [[ ! -f var/data/traced.json ]]; then
  [[ -z "$(running_pid || true)" ]] ||
    die "a traced started from here is running without var/data; stop it (deploy/quickstart.sh --stop)"
  grpc_port="$(pick_port "${OCOPTRACE_GRPC_PORT:-7443}" gRPC)"
  http_port="$(pick_port "${OCOPTRACE_HTTP_PORT:-8080}" HTTP)"
  [[ "$grpc_port" != "$http_port" ]] || http_port="$(free_port)"
  say "quickstart: creating traced's data directory var/data (log demo.ocop.local/log)"
  "$traced" --init --data var/data --origin demo.ocop.local \
    --listen "127.0.0.1:$grpc_port" --http "127.0.0.1:$http_port" \
    --resolver-base "http://127.0.0.1:$http_port" >var/init.txt 2>&1 || {
    cat var/init.txt >&2
    die "traced --init failed (above); delete var/ and run again"
  }
  token="$(awk '/tracectl config set token/ {print $NF}' var/init.txt)"
  [[ -n "$token" ]] || {
    cat var/init.txt >&2
    die "traced --init printed no admin token; delete var/ and run again"
  }
  printf '%s\n' "$token" >var/admin-token
  chmod 600 var/admin-token
  rm -f var/init.txt
fi
[[ -s var/admin-token ]] ||
  die "var/admin-token is missing: the admin token is shown only once, by the first run; delete var/ and out/ to start over"

# The addresses saved in traced.json.
saved() {
  sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" var/data/traced.json
}
grpc_address="$(saved listen)"
http_address="$(saved http)"
resolver="$(saved resolver_base)"
[[ -n "$grpc_address" && -n "$http_address" ]] ||
  die "var/data/traced.json has no listen/http address; delete var/ and out/ to start over"

# --- 3. traced in the background --------------------------------------------
if pid="$(running_pid)"; then
  say "quickstart: traced is already running (pid $pid)"
else
  for address in "$grpc_address" "$http_address"; do
    ! port_in_use "${address##*:}" ||
      die "port ${address##*:} ($address, fixed at the first run) is taken by another program; stop it, or delete var/ and out/ to start over with other ports"
  done
  touch "$log_file"
  log_start=$(($(wc -c <"$log_file") + 1))
  nohup "$traced" --data var/data </dev/null >>"$log_file" 2>&1 &
  pid=$!
  echo "$pid" >"$pid_file"
  ready=""
  for _ in $(seq 1 300); do
    if tail -c "+$log_start" "$log_file" | grep -q "^traced: serving HTTP on"; then
      ready=yes
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$ready" ]]; then
    tail -c "+$log_start" "$log_file" | tail -n 15 >&2
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$pid_file"
    die "traced did not start (its log is above and in $log_file)"
  fi
  say "quickstart: traced started (pid $pid)"
fi

# --- 4. The admin's tracectl config, once ------------------------------------
if [[ ! -f "$admin_config" ]]; then
  "$tracectl" --config "$admin_config" init --name quickstart-admin \
    --server "$grpc_address" --token "$(cat var/admin-token)" \
    >var/admin-init.txt 2>&1 || {
    cat var/admin-init.txt >&2
    die "tracectl init as the admin failed (above)"
  }
  rm -f var/admin-init.txt
fi
as_admin() { "$tracectl" --config "$admin_config" "$@"; }

# --- 5. The demo dataset (adds only what is missing) --------------------------
as_admin --json demo load deploy/demo/backan.json --state var/demo \
  >var/demo-load.json 2>var/demo-load.err || {
  cat var/demo-load.err >&2
  die "loading the demo dataset failed (above)"
}
json_field() {  # json_field FILE PATH...: a number or string, flat sed read
  tr -d '\n ' <"$1" | grep -o "\"$2\":{[^}]*}" | grep -o "\"$3\":[0-9]*" |
    cut -d: -f2
}
label_batch="$(tr -d '\n' <var/demo-load.json |
  sed -n 's/.*"label_batch": *"\([^"]*\)".*/\1/p')"
[[ -n "$label_batch" ]] || die "the demo dataset names no quickstart.label_batch"
added=0
for kind in producers people products certificates revocations batches events; do
  added=$((added + $(json_field var/demo-load.json "$kind" added)))
done
demo_line="$(json_field var/demo-load.json products total) products, $(json_field var/demo-load.json producers total) producers, $(json_field var/demo-load.json certificates total) certificates, $(json_field var/demo-load.json batches total) batches with $(json_field var/demo-load.json events total) journey events ($added records added now)"

# --- 6. Labels for the quickstart batch, once ----------------------------------
producer_config="var/demo/config/htx-tai-hoan-staff.json"
inspector_config="var/demo/config/ocop-inspector.json"
issue() {  # issue OUT FORMAT COUNT [FLAGS...]
  local out="$1" format="$2" count="$3"
  shift 3
  if [[ -f "$out" && -f "$out.issuance.jsonl" ]]; then
    return 0
  fi
  if [[ -e "$out" || -e "$out.issuance.jsonl" ]]; then
    die "$out or $out.issuance.jsonl exists without the other; move both away and run again"
  fi
  "$tracectl" --config "$producer_config" labels issue --batch "$label_batch" \
    --count "$count" --format "$format" --out "$out" --require-complete "$@" \
    >var/labels-issue.txt 2>&1 || {
    cat var/labels-issue.txt >&2
    die "issuing labels to $out failed (above)"
  }
}
issue out/labels.pdf pdf 24 --layout a4-3x8
issue out/label.png png 1
url="$(sed -n '2s/.*"url": *"\([^"]*\)".*/\1/p' out/label.png.issuance.jsonl)"
[[ -n "$url" ]] || die "out/label.png.issuance.jsonl has no label URL"
sheet_count=$(($(grep -c '"serial"' out/labels.pdf.issuance.jsonl)))

# The inspector's trust bundle, so `tracectl verify` works offline too.
"$tracectl" --config "$inspector_config" trust sync --region 06 \
  >var/trust-sync.txt 2>&1 || {
  cat var/trust-sync.txt >&2
  die "tracectl trust sync for the inspector failed (above)"
}

stats_line="$(as_admin stats | awk -F': +' '
  /^products:/ {products = $2}
  /^certified today:/ {certified = $2}
  /^labels:/ {labels = $2}
  END {print products " products; certified today: " certified "; labels: " labels}')"

# --- 7. What to do next -------------------------------------------------------
cat <<EOF

ocoptrace is running with the Bắc Kạn demo data.

  traced      gRPC $grpc_address, HTTP $resolver (pid $(cat "$pid_file"), log $log_file)
  demo data   $demo_line
  labels      out/labels.pdf ($sheet_count labels of Miến dong Tài Hoan, lot ${label_batch#*/}, A4 3×8) and out/label.png
  statistics  $stats_line

Open the label in a browser (the page a shopper sees after scanning it):

  $url

Check the label image as an inspector would (also works offline):

  $shown_tracectl --config $inspector_config verify --image out/label.png

More: $shown_tracectl --config $admin_config stats
      $shown_tracectl --config $producer_config history $label_batch
The admin token is in var/admin-token (mode 0600); var/demo/config/ has a
tracectl config for each demo person. Stop the server: deploy/quickstart.sh --stop
EOF
