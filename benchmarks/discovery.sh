#!/usr/bin/env bash
# Discovery benchmarks, on loopback only:
#   1. DiscoveryBench: mDNS register -> routable in another registry's caching selector (p50/p99
#      over TRIALS trials), and crash (SIGKILL of a child JVM) -> evicted, against the TTL.
#   2. SelectorBench (JMH): selections per second from the caching selector with 100 nodes.
# Environment: TRIALS (100) CRASH_TRIALS (10) CRASH_TTL (2, seconds) JAVA (java)
#   JMH_ARGS ("-f 1 -wi 3 -w 2s -i 5 -r 2s -t 1") BUILD (auto|always|never)
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
echo "## mDNS discovery ($("$JAVA" -version 2>&1 | head -1))"
"$JAVA" -Dtrials="$TRIALS" -DcrashTrials="$CRASH_TRIALS" -DcrashTtl="$CRASH_TTL" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.micro.benchmarks.DiscoveryBench
echo
echo "## Caching selector, 100 nodes (JMH)"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main SelectorBench $JMH_ARGS 2>&1 | sed -n '/^Benchmark/,$p'
