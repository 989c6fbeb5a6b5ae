#!/usr/bin/env bash
# End-to-end benchmark of the greeter's unary call (Say.Hello, name "John") over loopback.
#
# One load tool for every target: h2load (Debian package nghttp2-client), HTTP/1.1 (--h1) for mucp
# and raw Netty, h2c for gRPC. Every server is pinned to CPU $SERVER_CPU, h2load to CPU $LOAD_CPU.
# All servers run at once on 127.0.0.1; after a warm-up of every cell the measured runs are
# alternated (round 1 of every cell, then round 2, ...), and the table shows the median of the runs.
#
# Targets:
#   micro-default  examples/greeter/server/target/greeter-server.jar (mucp over HTTP/1.1)
#   micro-direct   the same with --server_execution=direct (handler on the I/O thread)
#   grpc-default   grpc-java 1.85.0 (grpc-netty-shaded), default executor
#   grpc-direct    grpc-java with directExecutor()
#   netty-raw      raw Netty HTTP/1.1 answering a fixed body (the practical limit)
#   grpc-micro     the greeter-server.jar again, called over gRPC (h2c) on its one port
#   grpc-micro-direct  the same with --server_execution=direct
#
# Environment: TARGETS (all five) DURATION (s per run, 5) WARMUP (s per cell, 3) RUNS (3) CONCURRENCY ("1 16 64")
#   JAVA (java) JVM_OPTS ("-Xms256m -Xmx256m") MICRO_JVM_OPTS (extra JVM options for our servers, e.g.
#   -XX:StartFlightRecording=filename=/tmp/micro.jfr) MICRO_ARGS (extra flags for our servers)
#   SERVER_CPU (0) LOAD_CPU (1) BASE_PORT (19090) BUILD (auto|always|never) OUT (benchmarks/target/results.md)
# Usage: benchmarks/run.sh            (prints a Markdown table and writes it to $OUT)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-3}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx256m}
MICRO_ARGS=${MICRO_ARGS:-}
MICRO_JVM_OPTS=${MICRO_JVM_OPTS:-}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
BASE_PORT=${BASE_PORT:-19090}
BUILD=${BUILD:-auto}
TARGETS=${TARGETS:-"micro-default micro-direct grpc-default grpc-direct netty-raw grpc-micro grpc-micro-direct"}
OUT=${OUT:-$ROOT/benchmarks/target/results.md}
HOST=127.0.0.1   # the only address this script talks to

SERVER_JAR=$ROOT/examples/greeter/server/target/greeter-server.jar
BENCH_CLASSES=$ROOT/benchmarks/target/classes
BENCH_CP_FILE=$ROOT/benchmarks/target/classpath.txt

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

command -v h2load >/dev/null || die "h2load not found (apt-get install nghttp2-client)"
command -v nghttp >/dev/null || die "nghttp not found (apt-get install nghttp2-client)"
command -v curl >/dev/null || die "curl not found"
command -v taskset >/dev/null || die "taskset not found (util-linux)"

if [[ $BUILD == always || ( $BUILD == auto && ( ! -f $SERVER_JAR || ! -f $BENCH_CP_FILE ) ) ]]; then
  log "building: ./mvnw -q -B -DskipTests package"
  ./mvnw -q -B -DskipTests package
fi
wants() { [[ " $TARGETS " == *" $1 "* ]]; }
[[ " $TARGETS " != *micro-* ]] || [[ -f $SERVER_JAR ]] || die "missing $SERVER_JAR (build with ./mvnw -DskipTests package)"
[[ -f $BENCH_CP_FILE ]] || die "missing $BENCH_CP_FILE (build with ./mvnw -DskipTests package)"
BENCH_CP=$BENCH_CLASSES:$(cat "$BENCH_CP_FILE")

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Request bodies: Request{name: "John"} as JSON, as protobuf (field 1, length 4), and gRPC-framed
# (compression flag 0, 4-byte big-endian length 6, then the protobuf bytes).
printf '{"name":"John"}' >"$WORK/req.json"
printf '\x0a\x04John' >"$WORK/req.pb"
printf '\x00\x00\x00\x00\x06\x0a\x04John' >"$WORK/req.grpc"

# --- servers ----------------------------------------------------------------------------------
declare -A PORT
start() { # name port command...
  local name=$1 port=$2; shift 2
  wants "$name" || return 0
  PORT[$name]=$port
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
await_port() { # name
  local name=$1 port=${PORT[$1]} i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$WORK/$name.log" >&2
  die "$name did not listen on $HOST:$port within 30 s"
}

# shellcheck disable=SC2086
start micro-default $((BASE_PORT + 0)) "$JAVA" $JVM_OPTS $MICRO_JVM_OPTS -jar "$SERVER_JAR" \
  --server_address=$HOST:$((BASE_PORT + 0)) --registry=memory $MICRO_ARGS
# shellcheck disable=SC2086
start micro-direct $((BASE_PORT + 1)) "$JAVA" $JVM_OPTS $MICRO_JVM_OPTS -jar "$SERVER_JAR" \
  --server_address=$HOST:$((BASE_PORT + 1)) --registry=memory --server_execution=direct $MICRO_ARGS
# shellcheck disable=SC2086
start grpc-default $((BASE_PORT + 2)) "$JAVA" $JVM_OPTS -cp "$BENCH_CP" \
  io.micro.benchmarks.GrpcGreeterServer $((BASE_PORT + 2)) default
# shellcheck disable=SC2086
start grpc-direct $((BASE_PORT + 3)) "$JAVA" $JVM_OPTS -cp "$BENCH_CP" \
  io.micro.benchmarks.GrpcGreeterServer $((BASE_PORT + 3)) direct
# shellcheck disable=SC2086
start netty-raw $((BASE_PORT + 4)) "$JAVA" $JVM_OPTS -cp "$BENCH_CP" \
  io.micro.benchmarks.NettyFixedServer $((BASE_PORT + 4))
# shellcheck disable=SC2086
start grpc-micro $((BASE_PORT + 5)) "$JAVA" $JVM_OPTS $MICRO_JVM_OPTS -jar "$SERVER_JAR" \
  --server_address=$HOST:$((BASE_PORT + 5)) --registry=memory $MICRO_ARGS
# shellcheck disable=SC2086
start grpc-micro-direct $((BASE_PORT + 6)) "$JAVA" $JVM_OPTS $MICRO_JVM_OPTS -jar "$SERVER_JAR" \
  --server_address=$HOST:$((BASE_PORT + 6)) --registry=memory --server_execution=direct $MICRO_ARGS
for s in $TARGETS; do await_port "$s"; done
log "servers up on $HOST:$BASE_PORT..$((BASE_PORT + 6)) (CPU $SERVER_CPU), h2load on CPU $LOAD_CPU"

# --- cells: target, codec, h2load arguments -----------------------------------------------------
CELLS=()
for cell in micro-default/json micro-default/proto micro-direct/json micro-direct/proto \
  grpc-default/proto grpc-direct/proto netty-raw/json grpc-micro/proto grpc-micro-direct/proto; do
  if wants "${cell%/*}"; then CELLS+=("$cell"); fi
done
h2args() { # target codec -> prints one argument per line
  local target=$1 codec=$2 port=${PORT[$1]}
  case $target in
    micro-*)
      local ct=application/json body=$WORK/req.json
      [[ $codec == proto ]] && ct=application/protobuf body=$WORK/req.pb
      printf '%s\n' --h1 -d "$body" -H "Content-Type: $ct" -H "Micro-Service: go.micro.srv.greeter" \
        -H "Micro-Endpoint: Say.Hello" "http://$HOST:$port/" ;;
    grpc-*)
      printf '%s\n' -d "$WORK/req.grpc" -H "content-type: application/grpc" -H "te: trailers" \
        "http://$HOST:$port/go.micro.srv.greeter.Say/Hello" ;;
    netty-raw)
      printf '%s\n' --h1 -d "$WORK/req.json" -H "Content-Type: application/json" "http://$HOST:$port/" ;;
  esac
}

# Check every cell answers "Hello John" and remember the reply's body size: h2load counts only HTTP
# status, and mucp errors are 200s with an empty body, so every run must also carry
# (successes x body size) bytes of DATA.
declare -A SIZE
check() { # target codec
  local target=$1 codec=$2 port=${PORT[$1]} out cell=$1/$2
  case $target in
    micro-*)
      local ct=application/json body=$WORK/req.json
      [[ $codec == proto ]] && ct=application/protobuf body=$WORK/req.pb
      out=$(curl -sS -i --data-binary "@$body" -H "Content-Type: $ct" -H "Micro-Service: go.micro.srv.greeter" \
        -H "Micro-Endpoint: Say.Hello" "http://$HOST:$port/" | tr -d '\0')
      if grep -qi '^micro-error' <<<"$out" || ! grep -q 'Hello John' <<<"$out"; then
        die "$target/$codec answered wrongly: $out"
      fi
      SIZE[$cell]=$(curl -sS -o /dev/null -w '%{size_download}' --data-binary "@$body" -H "Content-Type: $ct" \
        -H "Micro-Service: go.micro.srv.greeter" -H "Micro-Endpoint: Say.Hello" "http://$HOST:$port/") ;;
    grpc-*)
      out=$(nghttp -v -d "$WORK/req.grpc" -H "content-type: application/grpc" -H "te: trailers" \
        "http://$HOST:$port/go.micro.srv.greeter.Say/Hello" 2>&1 | tr -d '\0')
      grep -q 'grpc-status: 0' <<<"$out" && grep -q 'Hello John' <<<"$out" || die "$target answered wrongly: $out"
      SIZE[$cell]=$(grep -o 'recv DATA frame <length=[0-9]*' <<<"$out" | awk -F= '{ n += $2 } END { print n }') ;;
    netty-raw)
      curl -sS --data-binary "@$WORK/req.json" "http://$HOST:$port/" | grep -q 'Hello John' || die "netty-raw answered wrongly"
      SIZE[$cell]=$(curl -sS -o /dev/null -w '%{size_download}' --data-binary "@$WORK/req.json" "http://$HOST:$port/") ;;
  esac
}
for cell in "${CELLS[@]}"; do check "${cell%/*}" "${cell#*/}"; done
log "every target answers Hello John; reply sizes: $(for k in "${!SIZE[@]}"; do printf '%s=%s ' "$k" "${SIZE[$k]}"; done)"

# One h2load run; appends "rps p50_us p99_us" to $WORK/<target>_<codec>_<c>.txt
measure() { # target codec concurrency seconds record(0|1)
  local target=$1 codec=$2 c=$3 secs=$4 record=$5 args out tsv=$WORK/run.tsv
  mapfile -t args < <(h2args "$target" "$codec")
  rm -f "$tsv"
  out=$(taskset -c "$LOAD_CPU" h2load -c "$c" -m 1 -t 1 -D "$secs" --log-file="$tsv" "${args[@]}" 2>&1) ||
    die "h2load failed for $target/$codec c=$c: $out"
  local rps ok total
  rps=$(awk '/^finished in/ {gsub(",", "", $4); print $4}' <<<"$out")
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  total=$(awk '/^requests:/ {print $8}' <<<"$out")
  # 2xx may exceed the requests done by those cut at the end of the run
  [[ -n $rps && $total -gt 0 && $ok -ge $total ]] || die "$target/$codec c=$c: not all requests 2xx: $out"
  local data
  data=$(grep -oP '\(\K[0-9]+(?=\) data)' <<<"$out")
  ((data >= total * ${SIZE[$target/$codec]})) ||
    die "$target/$codec c=$c: $data body bytes for $total replies of ${SIZE[$target/$codec]} bytes (errors?): $out"
  ((record)) || return 0
  # Latency percentiles (nearest rank) from h2load's per-request log: column 3 is microseconds.
  cut -f3 "$tsv" | sort -n | awk -v rps="$rps" '{ v[NR] = $1 }
    END { p50 = v[int(NR * 0.50 + 0.999999)]; p99 = v[int(NR * 0.99 + 0.999999)]; print rps, p50, p99 }' \
    >>"$WORK/${target}_${codec}_$c.txt"
}

log "warm-up: ${WARMUP}s per cell"
for cell in "${CELLS[@]}"; do
  for c in $CONCURRENCY; do measure "${cell%/*}" "${cell#*/}" "$c" "$WARMUP" 0; done
done
for ((r = 1; r <= RUNS; r++)); do
  log "round $r/$RUNS: ${DURATION}s per cell"
  for c in $CONCURRENCY; do
    for cell in "${CELLS[@]}"; do measure "${cell%/*}" "${cell#*/}" "$c" "$DURATION" 1; done
  done
done

# --- report -------------------------------------------------------------------------------------
median() { # column file; 0 when the file is missing (target not run)
  [[ -f $2 ]] || { echo 0; return; }
  awk -v col="$1" '{ print $col }' "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
grpc_rps() { median 1 "$WORK/${1}_proto_$2.txt"; }

{
  echo "| target | codec | conc. | req/s | p50 ms | p99 ms | ÷ gRPC default | ÷ gRPC direct | ÷ Netty raw |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for c in $CONCURRENCY; do
    for cell in "${CELLS[@]}"; do
      target=${cell%/*} codec=${cell#*/} f=$WORK/${cell%/*}_${cell#*/}_$c.txt
      rps=$(median 1 "$f") p50=$(median 2 "$f") p99=$(median 3 "$f")
      printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$target" "$codec" "$c" "$rps" \
        "$(ms "$p50")" "$(ms "$p99")" "$(ratio "$rps" "$(grpc_rps grpc-default "$c")")" \
        "$(ratio "$rps" "$(grpc_rps grpc-direct "$c")")" "$(ratio "$rps" "$(median 1 "$WORK/netty-raw_json_$c.txt")")"
    done
  done
  echo
  echo "Medians of $RUNS alternated runs of ${DURATION}s after a ${WARMUP}s warm-up per cell; concurrency ="
  echo "h2load connections (-c N -m 1, one request in flight per connection); servers on CPU $SERVER_CPU,"
  echo "h2load on CPU $LOAD_CPU; JVM options: $JVM_OPTS. gRPC rows are protobuf (grpc-java has no JSON"
  echo "codec by default), so JSON rows are divided by the gRPC protobuf numbers."
  echo
  echo "Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo);" \
    "$("$JAVA" -version 2>&1 | head -1); $(h2load --version | head -1)"
} | tee "$OUT"
log "written to $OUT"
