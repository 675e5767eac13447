#!/usr/bin/env bash
# The scan page under load, beside nginx serving the same bytes:
#
#   bench/http/run.sh            # wrk -t2 -c64 -d10s --latency on each
#   DURATION=30s CONNECTIONS=128 bench/http/run.sh
#   NO_CACHE=1 bench/http/run.sh # verify the label signature on every hit
#
# 1. builds scan_page_bench_server (the real Site: router, resolver, page
#    renderer, batched scan recording; an in-memory catalogue) and starts it;
# 2. saves the page it renders as a static file and starts nginx
#    (Debian nginx-light, a temporary config, worker_processes auto) on it;
# 3. runs wrk on both, one after the other, in the same run, and prints
#    req/s, p50 and p99 for each and the ratio (goal: >= 50 % of nginx,
#    p99 < 10 ms).
# Needs only Debian packages: wrk, nginx-light, curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${OCOPTRACE_BENCH_BUILD:-$root/build/bench}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=${WRK_THREADS:-2}
page_port=${PAGE_PORT:-18081}
nginx_port=${NGINX_PORT:-18082}

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || {
    echo "$tool is missing: apt-get install wrk nginx-light curl" >&2
    exit 2
  }
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DOCOPTRACE_BUILD_BENCH=ON -DOCOPTRACE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target scan_page_bench_server

work=$(mktemp -d /tmp/ocoptrace-bench.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT

server_args=(--port "$page_port")
[[ -n "${NO_CACHE:-}" ]] && server_args+=(--no-cache)
"$build/bench/http/scan_page_bench_server" "${server_args[@]}" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do
  [[ -s "$work/server.out" ]] && break
  sleep 0.1
done
path=$(head -1 "$work/server.out")
[[ -n "$path" ]] || { cat "$work/server.err" >&2; exit 1; }

mkdir -p "$work/www"
curl -sf "http://127.0.0.1:$page_port$path" -o "$work/www/scan.html"
grep -q 'data-verdict="genuine"' "$work/www/scan.html" || {
  echo "the bench page is not a genuine-label page" >&2
  exit 1
}
chmod 644 "$work/www/scan.html"
bytes=$(stat -c %s "$work/www/scan.html")

cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    root $work/www;
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" -g "user $(id -un);"
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$nginx_port/scan.html" -o /dev/null && break
  sleep 0.1
done

# wrk's latency lines: "50%  1.23ms"; convert to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.2f", n }'
}
measure() {  # name url
  wrk -t"$threads" -c"$connections" -d2s "$2" >/dev/null  # warm-up
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$2")
  echo "$out" >"$work/$1.wrk"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  printf '%-22s %10.0f req/s   p50 %6s ms   p99 %6s ms %s\n' "$1" "$rps" "$p50" "$p99" \
    "${errors:+ ($errors)}"
  eval "${1//-/_}_rps=$rps; ${1//-/_}_p99=$p99"
}

echo "page: $bytes bytes; wrk -t$threads -c$connections -d$duration; $(nproc) cores;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure scan-page "http://127.0.0.1:$page_port$path"
measure nginx-static "http://127.0.0.1:$nginx_port/scan.html"
awk -v a="$scan_page_rps" -v b="$nginx_static_rps" -v p="$scan_page_p99" 'BEGIN {
  r = 100 * a / b;
  printf "ratio: scan page = %.0f %% of nginx (goal >= 50 %%); p99 %.2f ms (goal < 10 ms): %s\n",
         r, p, (r >= 50 && p < 10) ? "goal met" : "goal NOT met" }'
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
cat "$work/server.err"
