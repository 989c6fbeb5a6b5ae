#!/usr/bin/env bash
# Startup of bin/micro: wall time and CPU time (user + sys) of one whole command, median of RUNS
# runs per configuration, the configurations alternating run by run so that a busy machine affects
# them alike. CPU time is the steadier number on a shared machine.
#   benchmarks/cli/startup.sh [RUNS]          (default 15)
# Configurations: the JVM's defaults (java -cp ... io.micro.toolkit.Micro), C1 + serial GC
# without the class-data sharing archive (MICRO_CDS=0 bin/micro), and bin/micro as shipped
# (C1 + serial GC + AppCDS). Commands: "--registry=memory list services" (the JVM and the toolkit
# alone) and "list services" (mDNS, which waits its 300 ms lookup window).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}
bin/micro --registry=memory list services >/dev/null   # builds when needed
target=micro-toolkit/target
cp="$(ls $target/micro-toolkit-*.jar | head -1):$target/lib/*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one run: appends "wall cpu" in ms to $tmp/$1
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null 2>&1
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' "$tmp/t" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%d", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$tmp/$1" | median; }

for cmd in "--registry=memory list services" "list services"; do
  rm -f "$tmp"/jvm "$tmp"/c1 "$tmp"/micro
  for ((i = 0; i < runs; i++)); do
    # shellcheck disable=SC2086
    measure jvm java -cp "$cp" io.micro.toolkit.Micro $cmd
    # shellcheck disable=SC2086
    measure c1 env MICRO_CDS=0 bin/micro $cmd
    # shellcheck disable=SC2086
    measure micro bin/micro $cmd
  done
  printf '| `micro %s` | %s / %s | %s / %s | %s / %s |\n' "$cmd" \
    "$(col jvm 1)" "$(col jvm 2)" "$(col c1 1)" "$(col c1 2)" "$(col micro 1)" "$(col micro 2)"
done
echo "(wall ms / CPU ms, medians of $runs runs; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
