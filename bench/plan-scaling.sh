#!/usr/bin/env bash
# Plans 1,000,000 synthetic keys per side (the streaming merge-join of SyncPlanner) in a JVM
# limited to 256 MiB of heap. First it prints what listing the target in key ranges buys when each
# 1,000-key target page takes 50 ms (100,000 keys a side, listed in one go, then in ranges 4 at once).
# Last line:
#   plan-scaling: keys=1000000 seconds=<s> peak_heap_mib=<m>
# Target: 1 M keys in <= 10 s within 256 MiB.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keys="${1:-1000000}"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.cutover.storage.PlanScalingBenchmark "$keys"
