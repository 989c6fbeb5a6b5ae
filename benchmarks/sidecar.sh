#!/usr/bin/env bash
# The sidecar's cost: Say.Hello through the sidecar's POST /rpc against the same call made directly
# to the greeter (a legacy JSON-RPC POST, what a Python or Node client sends), both on loopback.
#
#   direct   POST http://greeter/  {"method":"Say.Hello","params":[{"name":"John"}],"id":0}
#   sidecar  POST http://sidecar/rpc  {"service":"go.micro.srv.greeter","method":"Say.Hello","request":{"name":"John"}}
#
# Greeter (examples/greeter/server jar) and sidecar (micro sidecar, its own JVM) run on CPU
# $SERVER_CPU, the load on CPU $LOAD_CPU. The sidecar finds the greeter in its memory registry (the
# script registers the greeter's node through POST /registry, as a non-Java app would).
#   1. fixed rate: benchmarks' OpenLoopLoad at $RATE req/s for $DURATION s, latency from the scheduled
#      send time; direct and sidecar runs alternate, $RUNS each; medians of p50 and p99.
#   2. saturation: wrk -t1 -c$CONNECTIONS for $DURATION s; medians of req/s, p50, p99.
#   3. the sidecar's RSS (VmRSS and peak VmHWM from /proc) after the runs.
# Environment: RATE (1000) DURATION (15) RUNS (3) CONNECTIONS (16) SERVER_CPU (0) LOAD_CPU (1)
#   SIDECAR_LAUNCH (micro: through bin/micro sidecar, with its JVM profile and classpath, as users
#   run it; java: java -cp micro-toolkit/target/classes:micro-toolkit/target/lib/* directly)
#   SIDECAR_JVM_OPTS (micro: unset = bin/micro's profile, else passed as MICRO_SIDECAR_JVM_OPTS;
#   java: -Xms16m -Xmx32m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=24m
#   -XX:MaxDirectMemorySize=16m) MALLOC_ARENA_MAX (2, for the sidecar)
#   GREETER_JVM_OPTS (-Xms256m -Xmx256m) ACCESS_LOG (off) BUILD (auto|always|never)
#   OUT (benchmarks/target/sidecar.md)
set -euo pipefail

cd "$(dirname "$0")/.."
RATE=${RATE:-1000}
DURATION=${DURATION:-15}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SIDECAR_LAUNCH=${SIDECAR_LAUNCH:-micro}
case $SIDECAR_LAUNCH in
  micro) ;;
  java) SIDECAR_JVM_OPTS=${SIDECAR_JVM_OPTS:--Xms16m -Xmx32m -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=24m -XX:MaxDirectMemorySize=16m} ;;
  *) echo "SIDECAR_LAUNCH: '$SIDECAR_LAUNCH' (expected: micro or java)"; exit 1 ;;
esac
GREETER_JVM_OPTS=${GREETER_JVM_OPTS:--Xms256m -Xmx256m}
ACCESS_LOG=${ACCESS_LOG:-off}
BUILD=${BUILD:-auto}
OUT=${OUT:-benchmarks/target/sidecar.md}
JAVA=${JAVA:-java}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

# micro-toolkit's package phase copies its runtime dependencies to micro-toolkit/target/lib
if [[ $BUILD == always || ! -d micro-toolkit/target/lib || ! -f examples/greeter/server/target/greeter-server.jar ]] && [[ $BUILD != never ]]; then
  ./mvnw -q -B -pl micro-toolkit,examples/greeter/server,benchmarks -am -DskipTests package >/dev/null
fi
SIDECAR_CP="micro-toolkit/target/classes:micro-toolkit/target/lib/*"
LOAD_CP=benchmarks/target/classes

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not open"; exit 1; }

GP=$(free_port); SP=$(free_port)
LOGS=benchmarks/target/sidecar-logs; mkdir -p "$LOGS"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

taskset -c "$SERVER_CPU" $JAVA $GREETER_JVM_OPTS -jar examples/greeter/server/target/greeter-server.jar \
  --server_address=127.0.0.1:$GP --registry=memory >"$LOGS/greeter.log" 2>&1 &
PIDS+=($!)
LOG_LEVEL=info; [[ $ACCESS_LOG == off ]] && LOG_LEVEL=warn
if [[ $SIDECAR_LAUNCH == micro ]]; then
  # bin/micro execs the JVM: $! is the sidecar's java process; MICRO_BUILD=never since the jar is built
  # shellcheck disable=SC2030
  (
    [[ -n ${SIDECAR_JVM_OPTS+set} ]] && export MICRO_SIDECAR_JVM_OPTS=$SIDECAR_JVM_OPTS
    [[ -n ${MALLOC_ARENA_MAX:-} ]] && export MALLOC_ARENA_MAX
    MICRO_BUILD=never MICRO_LOG_LEVEL=info MICRO_JAVA_OPTS="-Dorg.slf4j.simpleLogger.log.io.micro.toolkit.http.access=$LOG_LEVEL" \
      exec taskset -c "$SERVER_CPU" bin/micro sidecar --registry=memory --broker=memory \
      --sidecar_address=127.0.0.1:$SP
  ) >"$LOGS/sidecar.log" 2>&1 &
else
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} taskset -c "$SERVER_CPU" $JAVA $SIDECAR_JVM_OPTS -Dorg.slf4j.simpleLogger.log.io.micro.toolkit.http.access=$LOG_LEVEL \
    -cp "$SIDECAR_CP" io.micro.toolkit.Micro sidecar --registry=memory --broker=memory \
    --sidecar_address=127.0.0.1:$SP >"$LOGS/sidecar.log" 2>&1 &
fi
SIDECAR_PID=$!
PIDS+=($SIDECAR_PID)
wait_port "$GP"; wait_port "$SP"
curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$SP/registry" \
  -d "{\"name\":\"go.micro.srv.greeter\",\"nodes\":[{\"id\":\"greeter-1\",\"address\":\"127.0.0.1:$GP\",\"metadata\":{\"protocol\":\"mucp\"}}]}"

DIRECT_URL=http://127.0.0.1:$GP/
DIRECT_BODY='{"method":"Say.Hello","params":[{"name":"John"}],"id":0}'
SIDECAR_URL=http://127.0.0.1:$SP/rpc
SIDECAR_BODY='{"service":"go.micro.srv.greeter","method":"Say.Hello","request":{"name":"John"}}'
[[ $(curl -s -H 'Content-Type: application/json' -d "$SIDECAR_BODY" "$SIDECAR_URL") == *"Hello John"* ]] || { echo "sidecar call failed"; exit 1; }
[[ $(curl -s -H 'Content-Type: application/json' -d "$DIRECT_BODY" "$DIRECT_URL") == *"Hello John"* ]] || { echo "direct call failed"; exit 1; }

LUA=$LOGS/post.lua
wrk_run() { # url body seconds -> "rps p50_us p99_us"
  printf 'wrk.method="POST"\nwrk.body=%s\nwrk.headers["Content-Type"]="application/json"\n' \
    "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$2")" >"$LUA"
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$3"s --latency -s "$LUA" "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
def us(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v); n = float(m.group(1))
    return n * {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
# anchored: "55.50%" in the Req/Sec line must not pass for the 50% line of the distribution
p50 = us(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = us(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(int(rps), int(p50), int(p99), errors.group(1) if errors else 0)'
}
open_loop() { # url body -> "p50_us p99_us"
  taskset -c "$LOAD_CPU" $JAVA -cp "$LOAD_CP" io.micro.benchmarks.OpenLoopLoad "$1" "$2" "$RATE" "$DURATION" | tee -a "$LOGS/open-loop.log" |
    python3 -c 'import re,sys; t=sys.stdin.read(); g=lambda k: re.search(k+r"=(\d+)", t).group(1); print(g("p50_us"), g("p99_us"), g("errors"))'
}
median() { python3 -c 'import statistics,sys; print(int(statistics.median(float(x) for x in sys.argv[1:])))' "$@"; }

echo "warm-up (JIT) ..." >&2
wrk_run "$DIRECT_URL" "$DIRECT_BODY" 10 >/dev/null
wrk_run "$SIDECAR_URL" "$SIDECAR_BODY" 10 >/dev/null

declare -a D50 D99 S50 S99 DR DP50 DP99 SR SP50 SP99
for r in $(seq 1 "$RUNS"); do
  echo "fixed rate, round $r ..." >&2
  read -r a b e <<<"$(open_loop "$DIRECT_URL" "$DIRECT_BODY")"; D50+=("$a"); D99+=("$b"); [[ $e == 0 ]] || echo "direct: $e errors" >&2
  read -r a b e <<<"$(open_loop "$SIDECAR_URL" "$SIDECAR_BODY")"; S50+=("$a"); S99+=("$b"); [[ $e == 0 ]] || echo "sidecar: $e errors" >&2
done
for r in $(seq 1 "$RUNS"); do
  echo "saturation, round $r ..." >&2
  read -r a b c e <<<"$(wrk_run "$DIRECT_URL" "$DIRECT_BODY" "$DURATION")"; DR+=("$a"); DP50+=("$b"); DP99+=("$c")
  read -r a b c e <<<"$(wrk_run "$SIDECAR_URL" "$SIDECAR_BODY" "$DURATION")"; SR+=("$a"); SP50+=("$b"); SP99+=("$c")
  [[ $e == 0 ]] || echo "sidecar: $e non-2xx" >&2
done
RSS=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$SIDECAR_PID/status)
HWM=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$SIDECAR_PID/status)

d50=$(median "${D50[@]}"); d99=$(median "${D99[@]}"); s50=$(median "${S50[@]}"); s99=$(median "${S99[@]}")
dr=$(median "${DR[@]}"); dp50=$(median "${DP50[@]}"); dp99=$(median "${DP99[@]}")
sr=$(median "${SR[@]}"); sp50=$(median "${SP50[@]}"); sp99=$(median "${SP99[@]}")
ms() { python3 -c "print(f'{$1/1000:.2f}')"; }
plus() { python3 -c "print(f'{($1-$2)/1000:+.2f}')"; }
mkdir -p "$(dirname "$OUT")"
{
  echo "| load | path | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  echo "| $RATE req/s (open loop) | direct | $RATE | $(ms $d50) | $(ms $d99) | | |"
  echo "| $RATE req/s (open loop) | sidecar /rpc | $RATE | $(ms $s50) | $(ms $s99) | $(plus $s50 $d50) | $(plus $s99 $d99) |"
  echo "| saturation (wrk -c$CONNECTIONS) | direct | $dr | $(ms $dp50) | $(ms $dp99) | | |"
  echo "| saturation (wrk -c$CONNECTIONS) | sidecar /rpc | $sr | $(ms $sp50) | $(ms $sp99) | $(plus $sp50 $dp50) | $(plus $sp99 $dp99) |"
  echo
  echo "Sidecar RSS after the runs: ${RSS} MB (peak ${HWM} MB); launched with $SIDECAR_LAUNCH; JVM options: ${SIDECAR_JVM_OPTS-the bin/micro profile}; access log $ACCESS_LOG; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo "Runs: $RUNS × ${DURATION} s per cell, medians; fixed-rate raw: direct p50 ${D50[*]} / p99 ${D99[*]} µs, sidecar p50 ${S50[*]} / p99 ${S99[*]} µs."
} | tee "$OUT"
