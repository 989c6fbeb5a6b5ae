#!/usr/bin/env bash
# Discovery benchmarks, on loopback only:
#   1. DiscoveryBench, for mDNS and for etcd: register in one process -> routable in another
#      process's caching selector (p50/p99 over TRIALS trials), and crash (SIGKILL of a child JVM)
#      -> evicted, against the TTL. The etcd runs are against an etcd this script starts on a free
#      127.0.0.1 port with a temporary data directory (Debian package etcd-server); without the
#      etcd binary they are skipped with a message, or fail when MICRO_IT_REQUIRE=1.
#   2. SelectorBench (JMH): selections per second from the caching selector with 100 nodes.
# Environment: TRIALS (100) CRASH_TRIALS (10) CRASH_TTL (2, seconds) JAVA (java)
#   JMH_ARGS ("-f 1 -wi 3 -w 2s -i 5 -r 2s -t 1") BUILD (auto|always|never)
#   REGISTRIES ("mdns etcd") ETCD (etcd binary; default: found on PATH)
# Usage: benchmarks/discovery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${TRIALS:-100}
CRASH_TRIALS=${CRASH_TRIALS:-10}
CRASH_TTL=${CRASH_TTL:-2}
JAVA=${JAVA:-java}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -w 2s -i 5 -r 2s -t 1}
BUILD=${BUILD:-auto}
CP_FILE=benchmarks/target/classpath.txt
if [[ $BUILD == always || ( $BUILD == auto && ! -f benchmarks/target/classes/io/micro/benchmarks/DiscoveryBench.class ) ]]; then
  echo "# building: ./mvnw -q -B -DskipTests -pl benchmarks -am package" >&2
  ./mvnw -q -B -DskipTests -pl benchmarks -am package
fi
CP=benchmarks/target/classes:$(cat "$CP_FILE")
REGISTRIES=${REGISTRIES:-mdns etcd}

# A port nobody listens on at 127.0.0.1 right now (probed with bash's /dev/tcp).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
}

ETCD_PID=
ETCD_DIR=
stop_etcd() {
  if [[ -n $ETCD_PID ]]; then
    kill "$ETCD_PID" 2>/dev/null || true
    wait "$ETCD_PID" 2>/dev/null || true
    ETCD_PID=
  fi
  if [[ -n $ETCD_DIR ]]; then
    rm -rf "$ETCD_DIR"
    ETCD_DIR=
  fi
}
trap stop_etcd EXIT

# Starts etcd on 127.0.0.1 (free client and peer ports); sets ETCD_ADDRESS. Bounded: 30 s.
start_etcd() {
  local bin=${ETCD:-$(command -v etcd || true)}
  if [[ -z $bin ]]; then
    echo "etcd not installed (Debian package etcd-server): skipping the etcd runs" >&2
    [[ ${MICRO_IT_REQUIRE:-} == 1 ]] && { echo "MICRO_IT_REQUIRE=1: failing" >&2; exit 1; }
    return 1
  fi
  local client peer
  client=$(free_port)
  peer=$(free_port)
  ETCD_DIR=$(mktemp -d)
  "$bin" --name bench --data-dir "$ETCD_DIR/data" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "bench=http://127.0.0.1:$peer" >"$ETCD_DIR/etcd.log" 2>&1 &
  ETCD_PID=$!
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$client") 2>/dev/null; then
      ETCD_ADDRESS=127.0.0.1:$client
      echo "# etcd $("$bin" --version | head -1 | awk '{print $3}') on $ETCD_ADDRESS (pid $ETCD_PID)" >&2
      return 0
    fi
    if ! kill -0 "$ETCD_PID" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "etcd did not listen on 127.0.0.1:$client within 30 s:" >&2
  cat "$ETCD_DIR/etcd.log" >&2
  exit 1
}

for registry in $REGISTRIES; do
  ETCD_ADDRESS=
  if [[ $registry == etcd ]] && ! start_etcd; then
    continue
  fi
  echo "## $registry discovery ($("$JAVA" -version 2>&1 | head -1))"
  "$JAVA" -Dregistry="$registry" -Detcd="$ETCD_ADDRESS" \
    -Dtrials="$TRIALS" -DcrashTrials="$CRASH_TRIALS" -DcrashTtl="$CRASH_TTL" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.micro.benchmarks.DiscoveryBench
  echo
  stop_etcd
done
echo "## Caching selector, 100 nodes (JMH)"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main SelectorBench $JMH_ARGS 2>&1 | sed -n '/^Benchmark/,$p'
