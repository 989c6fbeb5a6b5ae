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

pin() { # cpus command... : runs the command pinned when cpus is set
  local cpus=$1; shift
  if [[ -n $cpus ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
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

# shellcheck disable=SC2086
pin "${SERVER_CPUS:-}" "$JAVA" $JVM_OPTS -jar "$GREETER_JAR" --server_address=$HOST:$GREETER_PORT \
  >"$WORK/greeter.log" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086
pin "${SERVER_CPUS:-}" "$JAVA" $JVM_OPTS -Dorg.slf4j.simpleLogger.log.io.micro.toolkit.http.access=warn \
  -cp "$TOOLKIT_JAR:$ROOT/micro-toolkit/target/lib/*" io.micro.toolkit.Micro api \
  --api_address=$HOST:$GATEWAY_PORT --api_namespace=go.micro.srv >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)

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

run() { # target connections seconds -> "rps p99_ms"
  local out
  out=$(pin "${LOAD_CPUS:-}" wrk -t"$THREADS" -c"$2" -d"$3"s --latency -s "$WORK/$1.lua" "${URL[$1]}")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; die "$1: non-2xx answers"; fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps $p99"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for c in $CONNECTIONS; do for t in $TARGETS; do run "$t" "$c" "$WARMUP" >/dev/null; done; done
declare -A RPS P99
for ((r = 1; r <= RUNS; r++)); do
  for c in $CONNECTIONS; do
    for t in $TARGETS; do
      read -r rps p99 < <(run "$t" "$c" "$DURATION")
      RPS[$t/$c]+="$rps "; P99[$t/$c]+="$p99 "
      log "round $r c=$c $t: $rps req/s, p99 $p99 ms"
    done
  done
done

mkdir -p "$(dirname "$OUT")"
{
  echo "| connections | target | req/s (median of $RUNS) | p99 ms (median) | vs direct | vs nginx |"
  echo "|---|---|---|---|---|---|"
  for c in $CONNECTIONS; do
    d=$(tr ' ' '\n' <<<"${RPS[direct/$c]}" | grep . | median)
    n=$(tr ' ' '\n' <<<"${RPS[nginx/$c]}" | grep . | median)
    for t in $TARGETS; do
      m=$(tr ' ' '\n' <<<"${RPS[$t/$c]}" | grep . | median)
      p=$(tr ' ' '\n' <<<"${P99[$t/$c]}" | grep . | median)
      printf '| %s | %s | %.0f | %.2f | %.2f | %.2f |\n' "$c" "$t" "$m" "$p" "$(echo "$m / $d" | bc -l)" "$(echo "$m / $n" | bc -l)"
    done
  done
} | tee "$OUT"
