#!/usr/bin/env bash
# Startup of bin/micro: wall time of one command, median of RUNS runs per configuration, the
# configurations alternating run by run so that a busy machine affects them alike.
#   benchmarks/cli/startup.sh [RUNS]          (default 15)
# Configurations: the JVM's defaults (java -cp ... io.micro.toolkit.Micro), C1 + serial GC
# without the class-data sharing archive (MICRO_CDS=0 bin/micro), and bin/micro as shipped.
# Commands: "--registry=memory list services" (the JVM and the toolkit alone) and
# "list services" (mDNS, which waits its 300 ms lookup window).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}
bin/micro --registry=memory list services >/dev/null   # builds when needed
target=micro-toolkit/target
cp="$(ls $target/micro-toolkit-*.jar | head -1):$target/lib/*"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m/1e6}'; }

for cmd in "--registry=memory list services" "list services"; do
  declare -A t=()
  for ((i = 0; i < runs; i++)); do
    # shellcheck disable=SC2086
    { s=$(now); java -cp "$cp" io.micro.toolkit.Micro $cmd >/dev/null; t[jvm]+="$(( $(now) - s )) "; }
    # shellcheck disable=SC2086
    { s=$(now); MICRO_CDS=0 bin/micro $cmd >/dev/null; t[c1]+="$(( $(now) - s )) "; }
    # shellcheck disable=SC2086
    { s=$(now); bin/micro $cmd >/dev/null; t[micro]+="$(( $(now) - s )) "; }
  done
  jvm=$(tr ' ' '\n' <<<"${t[jvm]}" | grep . | median)
  c1=$(tr ' ' '\n' <<<"${t[c1]}" | grep . | median)
  micro=$(tr ' ' '\n' <<<"${t[micro]}" | grep . | median)
  printf '%-36s JVM defaults %5d ms | C1+SerialGC %5d ms (%.2fx) | bin/micro (C1+SerialGC+AppCDS) %5d ms (%.2fx)\n' \
    "micro $cmd" "$jvm" "$c1" "$(echo "$c1/$jvm" | bc -l)" "$micro" "$(echo "$micro/$jvm" | bc -l)"
  unset t
done
