#!/usr/bin/env bash
# The hold model on maillab's kernel and on each ns-3 scheduler, at 1,000 to 1,000,000 pending
# events, for both increment distributions: prints one table row per (increments, pending) with
# CPU seconds (the best of REPEATS runs: the fairer figure on a shared machine) and the ratio of
# ns-3's fastest scheduler to maillab. Needs a build configured with -DMAILLAB_NS3=ON.
#   bench/ns3/compare.sh [BUILD_DIR] [EVENTS] [REPEATS]
# INCREMENTS="exponential" or PENDING="1000000" in the environment run part of the table.
set -euo pipefail
build=${1:-build}
events=${2:-2000000}
repeats=${3:-3}
best() {  # best cpu_seconds of "$@" over $repeats runs, per scheduler: lines "name seconds"
  for _ in $(seq "$repeats"); do "$@"; done |
    sed -n 's/.*scheduler=\([A-Za-z]*\).*cpu_seconds=\([0-9.]*\).*/\1 \2/p; s/^hold:.*cpu_seconds=\([0-9.]*\).*/maillab \1/p' |
    sort -k1,1 -k2,2n | awk '!seen[$1]++'
}
printf '| increments | pending | maillab cpu_s | ns-3 Map | Heap | Calendar | PriorityQueue | fastest ns-3 / maillab |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for increments in ${INCREMENTS:-uniform exponential}; do
  for pending in ${PENDING:-1000 10000 100000 1000000}; do
    ours=$(best "$build/maillab" bench hold --pending "$pending" --events "$events" --increments "$increments")
    # The schedulers the table shows, one process each ("all" would add List, a sorted linked list
    # that took most of the time at 10,000 pending and is never the fastest); Calendar only up to
    # 100,000 pending, as bench_hold_ns3's "all".
    schedulers="Map Heap PriorityQueue"
    [ "$pending" -le 100000 ] && schedulers="$schedulers Calendar"
    theirs=$(for scheduler in $schedulers; do
      best "$build/bench/bench_hold_ns3" --scheduler "$scheduler" --pending "$pending" --events "$events" --increments "$increments"
    done)
    awk -v inc="$increments" -v p="$pending" -v ours="$ours" -v theirs="$theirs" 'BEGIN {
      split(ours, o, " "); n = split(theirs, lines, "\n");
      for (i = 1; i <= n; i++) { split(lines[i], f, " "); t[f[1]] = f[2] }
      fastest = 1e30; for (k in t) if (k != "List" && t[k] < fastest) fastest = t[k];
      calendar = ("Calendar" in t) ? sprintf("%.3f", t["Calendar"]) : "(left out)"
      printf "| %s | %d | %.3f | %.3f | %.3f | %s | %.3f | %.2fx |\n", inc, p, o[2], t["Map"], t["Heap"], calendar, t["PriorityQueue"], fastest / o[2]
    }'
  done
done
