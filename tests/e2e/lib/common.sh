# Shared by the end-to-end scripts in tests/e2e/ (sourced, never run on
# its own; tests/run.sh runs only tests/e2e/*.sh): the temporary work
# directory and its cleanup, tracectl as one of the users, traced started
# on a free loopback port, dates in Vietnam time, and the cooperative most
# stories begin with.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#   e2e_begin NAME "${1:-build/dev}" [MORE_BINARIES...]
#
# After e2e_begin: $repo, $build, $traced, $tracectl, $work (a temporary
# directory, removed on exit) and $step (set it before each step: a failure
# names it). On exit every process in $traced_pid and the array e2e_pids is
# stopped, and on failure the last lines of each $work/traced*.log are
# printed.

# e2e_begin NAME BUILD_DIR [BINARY...]: checks that traced, tracectl and
# the given binaries (paths relative to BUILD_DIR) exist, makes $work and
# installs the cleanup.
e2e_begin() {
  e2e_name="$1"
  build="$2"
  shift 2
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  [[ "$build" = /* ]] || build="$repo/$build"
  traced="$build/server/traced"
  tracectl="$build/client/tracectl"
  local binary
  for binary in "$traced" "$tracectl" "${@/#/$build/}"; do
    if [[ ! -x "$binary" ]]; then
      echo "$e2e_name: $binary is missing; build first (deploy/build.sh dev)" >&2
      exit 1
    fi
  done
  work="$(mktemp -d "${TMPDIR:-/tmp}/ocoptrace-$e2e_name.XXXXXX")"
  traced_pid=""
  e2e_pids=()
  step="setup"
  e2e_started=$SECONDS
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
}

# e2e_require TOOL...: each must be on PATH (deploy/install-deps.sh
# installs them).
e2e_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      fail "$tool is not installed (deploy/install-deps.sh installs it)"
  done
}

e2e_cleanup() {
  local status=$? pid log
  for pid in "$traced_pid" "${e2e_pids[@]}"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ $status -ne 0 ]]; then
    echo "$e2e_name: FAILED at step: $step" >&2
    for log in "$work"/traced*.log; do
      [[ -f "$log" ]] || continue
      echo "--- last lines of $(basename "$log"):" >&2
      tail -n 20 "$log" >&2
    done
  fi
  rm -rf "$work"
  exit $status
}

fail() {
  echo "$e2e_name: $*" >&2
  exit 1
}

# e2e_done: the closing line.
e2e_done() {
  echo "$e2e_name: ok in $((SECONDS - e2e_started)) s"
}

# as USER ARGS...: tracectl as USER, with its own HOME (and so its own
# config and key) and nothing from the caller's environment. The timeout
# is e2e_timeout seconds (default 20).
as() {
  local user="$1"
  shift
  env -u OCOPTRACE_CONFIG -u OCOPTRACE_SERVER -u OCOPTRACE_TOKEN \
    -u OCOPTRACE_KEY -u OCOPTRACE_KEY_NAME -u OCOPTRACE_CA_CERT \
    HOME="$work/home/$user" USER="$user" "$tracectl" \
    --timeout "${e2e_timeout:-20}" "$@"
}

# The bearer token in `tracectl principal create --json` output (stdin).
token_of() {
  sed -n 's/.*"token": "\([^"]*\)".*/\1/p'
}

# A time N hours ago in Vietnam, RFC 3339 with +07:00.
hours_ago() {
  date -u -d "@$(($(date +%s) - $1 * 3600 + 7 * 3600))" +%Y-%m-%dT%H:%M:%S+07:00
}

# The day N days from today in Vietnam (N may be negative), YYYY-MM-DD.
days_from_today() {
  date -u -d "@$(($(date +%s) + $1 * 86400 + 7 * 3600))" +%Y-%m-%d
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# e2e_init_traced DATA_DIR [FLAGS...]: `traced --init` (origin
# e2e.ocop.test unless FLAGS give one); sets admin_token.
e2e_init_traced() {
  local data="$1"
  shift
  local flags=("$@")
  [[ " ${flags[*]} " == *" --origin "* ]] || flags+=(--origin e2e.ocop.test)
  "$traced" --init --data "$data" "${flags[@]}" >"$work/init.txt"
  admin_token="$(awk '/tracectl config set token/ {print $NF}' "$work/init.txt")"
  [[ -n "$admin_token" ]] || { cat "$work/init.txt" >&2; fail "no admin token printed"; }
}

# e2e_start_traced LOG FLAGS...: starts traced in the background with
# FLAGS (add --listen 127.0.0.1:0 for a free port), its stderr appended to
# LOG, and waits until it reports one more "serving gRPC" line there. Sets
# traced_pid and address (host:port of the gRPC listener).
e2e_start_traced() {
  local log="$1"
  shift
  local before=0
  [[ -f "$log" ]] && before="$(grep -c '^traced: serving gRPC on ' "$log" || true)"
  "$traced" "$@" 2>>"$log" &
  traced_pid=$!
  address=""
  local _
  for _ in $(seq 1 200); do
    if [[ "$(grep -c '^traced: serving gRPC on ' "$log" || true)" -gt "$before" ]]; then
      address="$(sed -n 's/^traced: serving gRPC on \([^ ]*\) .*/\1/p' "$log" | tail -n 1)"
      return 0
    fi
    kill -0 "$traced_pid" 2>/dev/null || fail "traced exited while starting"
    sleep 0.1
  done
  fail "traced did not report its address"
}

# e2e_stop_traced: SIGTERM, and traced must exit cleanly.
e2e_stop_traced() {
  kill -TERM "$traced_pid"
  wait "$traced_pid" || fail "traced did not stop cleanly"
  traced_pid=""
}

# e2e_add_cooperative: as the admin (user "admin", token $admin_token,
# server $address), registers HTX Tài Hoan (a cooperative in the former
# Bắc Kạn) and its staff principal; then the user "producer" makes its key
# (key name htx-tai-hoan-1), which the admin registers. Sets
# producer_token.
e2e_add_cooperative() {
  as admin init --name e2e-admin --server "$address" --token "$admin_token" \
    >/dev/null 2>&1
  as admin producer add --id htx-tai-hoan --name "HTX Tài Hoan" \
    --form cooperative --tax-code 4700123456 \
    --address "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn" \
    --commune-name "Xã Côn Minh" --province-code 06 --province-name "Tỉnh Bắc Kạn" \
    >/dev/null
  producer_token="$(as admin principal create --name htx-tai-hoan-staff \
    --role producer --producer htx-tai-hoan --json | token_of)"
  [[ -n "$producer_token" ]] || fail "no producer token"
  as producer init --name htx-tai-hoan-1 --server "$address" \
    --token "$producer_token" >/dev/null 2>&1
  as admin key add --vkey "$(as producer key mine)" --role producer \
    --producer htx-tai-hoan >/dev/null
}

# e2e_add_certifier: as the admin, creates the OCOP council's certifier
# principal; the user "certifier" makes its key (ocop-council-1), which the
# admin registers. Sets certifier_token.
e2e_add_certifier() {
  certifier_token="$(as admin principal create --name ocop-council \
    --role certifier --json | token_of)"
  [[ -n "$certifier_token" ]] || fail "no certifier token"
  as certifier init --name ocop-council-1 --server "$address" \
    --token "$certifier_token" >/dev/null 2>&1
  as admin key add --vkey "$(as certifier key mine)" --role certifier \
    --holder ocop-council >/dev/null
}
