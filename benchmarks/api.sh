#!/usr/bin/env bash
# The API gateway's rpc handler beside calling the greeter directly and beside nginx as a reverse
# proxy, same greeter, same run, wrk as the load generator on loopback.
#
# Targets (all POST, all answering {"msg":"Hello John"}):
#   direct   wrk -> greeter-server            JSON-RPC envelope {"method":"Say.Hello","params":[{"name":"John"}],"id":1} to /
#   gateway  wrk -> micro api -> greeter      {"name":"John"} to /greeter/say/hello (rpc handler, namespace go.micro.srv;
#                                              the gateway calls the greeter with mucp over pooled HTTP/1.1 connections)
#   nginx    wrk -> nginx -> greeter          the JSON-RPC request of "direct" through nginx proxy_pass (upstream keepalive 64)
# The greeter and the gateway find each other with the default mDNS registry on loopback.
# After a warm-up of every target, the measured runs alternate (round 1 of every target, then round 2, ...);
# the table shows the medians of the runs.
#
# Needs (not installed by this script): wrk (Debian wrk), nginx (Debian nginx), taskset (util-linux), curl,
# and the jars: ./mvnw -DskipTests -pl examples/greeter/server,micro-toolkit -am package
# Environment: DURATION (s per run, 5) WARMUP (s per target, 3) RUNS (5) CONNECTIONS ("16 64") THREADS (wrk threads, 1)
#   JAVA (java) JVM_OPTS ("-Xms256m -Xmx256m") SERVER_CPUS (unset: no pinning; e.g. 0) LOAD_CPUS (unset; e.g. 1)
#   BASE_PORT (19180) OUT (benchmarks/target/api-results.md)
# Usage: benchmarks/api.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-5}
CONNECTIONS=${CONNECTIONS:-"16 64"}
THREADS=${THREADS:-1}
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx256m}
BASE_PORT=${BASE_PORT:-19180}
OUT=${OUT:-$ROOT/benchmarks/target/api-results.md}
HOST=127.0.0.1   # the only address this script talks to

die() { echo "api.sh: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }
for tool in wrk nginx curl; do command -v $tool >/dev/null || die "$tool not found (apt-get install $tool)"; done

GREETER_JAR=$ROOT/examples/greeter/server/target/greeter-server.jar
TOOLKIT_JAR=$(ls "$ROOT"/micro-toolkit/target/micro-toolkit-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)
[[ -f $GREETER_JAR && -n $TOOLKIT_JAR && -d $ROOT/micro-toolkit/target/lib ]] \
  || die "missing jars: ./mvnw -DskipTests -pl examples/greeter/server,micro-toolkit -am package"

pin() { # cpus command... : becomes the command (pinned when cpus is set); call it in a subshell or with &
  local cpus=$1; shift
  if [[ -n $cpus ]]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

GREETER_PORT=$BASE_PORT
GATEWAY_PORT=$((BASE_PORT + 1))
NGINX_PORT=$((BASE_PORT + 2))
for port in $GREETER_PORT $GATEWAY_PORT $NGINX_PORT; do
  if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then die "$HOST:$port is already in use (a server of an earlier run?)"; fi
done

# shellcheck disable=SC2086
pin "${SERVER_CPUS:-}" "$JAVA" $JVM_OPTS -jar "$GREETER_JAR" --server_address=$HOST:$GREETER_PORT \
  >"$WORK/greeter.log" 2>&1 &
PIDS+=($!)
GREETER_PID=$!
# shellcheck disable=SC2086
pin "${SERVER_CPUS:-}" "$JAVA" $JVM_OPTS -Dorg.slf4j.simpleLogger.log.io.micro.toolkit.http.access=warn \
  -cp "$TOOLKIT_JAR:$ROOT/micro-toolkit/target/lib/*" io.micro.toolkit.Micro api \
  --api_address=$HOST:$GATEWAY_PORT --api_namespace=go.micro.srv >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
GATEWAY_PID=$!

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream greeter { server $HOST:$GREETER_PORT; keepalive 64; }
  server {
    listen $HOST:$NGINX_PORT;
    location / {
      proxy_pass http://greeter;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
pin "${SERVER_CPUS:-}" nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
NGINX_PID=$!

JSONRPC='{"method":"Say.Hello","params":[{"name":"John"}],"id":1}'
PLAIN='{"name":"John"}'
declare -A URL BODY
URL[direct]=http://$HOST:$GREETER_PORT/;                  BODY[direct]=$JSONRPC
URL[gateway]=http://$HOST:$GATEWAY_PORT/greeter/say/hello; BODY[gateway]=$PLAIN
URL[nginx]=http://$HOST:$NGINX_PORT/;                     BODY[nginx]=$JSONRPC
TARGETS="direct gateway nginx"

for t in $TARGETS; do
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' \
    "'${BODY[$t]}'" >"$WORK/$t.lua"
done

# every target must answer Hello John (the gateway once mDNS found the greeter)
for t in $TARGETS; do
  ok=
  for ((i = 0; i < 300; i++)); do
    if curl -fsS -m 2 -H 'Content-Type: application/json' -d "${BODY[$t]}" "${URL[$t]}" 2>/dev/null | grep -q 'Hello John'; then
      ok=1; break
    fi
    sleep 0.1
  done
  [[ -n $ok ]] || { cat "$WORK"/*.log >&2; die "$t did not answer Hello John within 30 s"; }
done
log "all targets answer; greeter :$GREETER_PORT gateway :$GATEWAY_PORT nginx :$NGINX_PORT"

# CPU time of the server processes on a target's path (clock ticks): meaningful on a busy machine
path_pids() { # target
  case $1 in
    direct) echo "$GREETER_PID" ;;
    gateway) echo "$GREETER_PID $GATEWAY_PID" ;;
    nginx) echo "$GREETER_PID $NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
  esac
}
ticks() { # pids... -> utime + stime, summed (fields after the command name, which may hold spaces)
  local t=0 p
  for p in "$@"; do
    t=$((t + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" || echo 0)))
  done
  echo $t
}
HZ=$(getconf CLK_TCK)

run() { # target connections seconds -> "rps p99_ms cpu_us_per_request"
  local out before after rps p99 n cpu
  # shellcheck disable=SC2046
  before=$(ticks $(path_pids "$1"))
  out=$(pin "${LOAD_CPUS:-}" wrk -t"$THREADS" -c"$2" -d"$3"s --latency -s "$WORK/$1.lua" "${URL[$1]}")
  # shellcheck disable=SC2046
  after=$(ticks $(path_pids "$1"))
  # shellcheck disable=SC2046
  kill -0 $(path_pids "$1") 2>/dev/null || die "a server of $1 is gone (see $WORK/*.log)"
  grep -q 'Socket errors' <<<"$out" && log "$1: $(grep 'Socket errors' <<<"$out")"
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; die "$1: non-2xx answers"; fi
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(echo "($after - $before) * 1000000 / $HZ / $n" | bc -l)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps $p99 $cpu"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

for c in $CONNECTIONS; do for t in $TARGETS; do run "$t" "$c" "$WARMUP" >/dev/null; done; done
declare -A RPS P99 CPU
for ((r = 1; r <= RUNS; r++)); do
  for c in $CONNECTIONS; do
    for t in $TARGETS; do
      read -r rps p99 cpu < <(run "$t" "$c" "$DURATION")
      RPS[$t/$c]+="$rps "; P99[$t/$c]+="$p99 "; CPU[$t/$c]+="$cpu "
      log "round $r c=$c $t: $rps req/s, p99 $p99 ms, $(printf %.0f "$cpu") us server CPU per request"
    done
  done
done

mkdir -p "$(dirname "$OUT")"
{
  echo "| connections | target | req/s (median of $RUNS) | p99 ms | server CPU µs/request | req/s vs direct | req/s vs nginx | CPU vs nginx |"
  echo "|---|---|---|---|---|---|---|---|"
  for c in $CONNECTIONS; do
    d=$(med "${RPS[direct/$c]}"); n=$(med "${RPS[nginx/$c]}"); nu=$(med "${CPU[nginx/$c]}")
    for t in $TARGETS; do
      m=$(med "${RPS[$t/$c]}"); p=$(med "${P99[$t/$c]}"); u=$(med "${CPU[$t/$c]}")
      printf '| %s | %s | %.0f | %.2f | %.0f | %.2f | %.2f | %.2f |\n' "$c" "$t" "$m" "$p" "$u" \
        "$(echo "$m / $d" | bc -l)" "$(echo "$m / $n" | bc -l)" "$(echo "$u / $nu" | bc -l)"
    done
  done
} | tee "$OUT"
