#!/usr/bin/env bash
# A partitioned sync scaled out over worker processes (dev.cutover.storage.sync.ScaleOutBenchmark):
#   source: 5,000 objects of 16 KiB in a directory (filesystem store); target: S3Mock from scripts/test-stack.sh
#           behind a small proxy that holds each request 20 ms (a cloud round trip), so that throughput is bound
#           by latency rather than by this machine's two cores;
#   one manager process (profile mysql, on a fresh database of the test stack's MariaDB) that runs no
#   partition itself, then 1, 2 and 3 worker processes of the same jar (a worker added per round), each with 2
#   partition threads and concurrency 8 per partition; each round a final sync in 12 partitions into a fresh bucket.
# Throughput: bytes the partitions copied over the span from the first partition's start to the last one's end.
# duplicates: puts beyond one per object (the proxy counts them); verify: every round's verification clean and
# every object on the target.
# Extra arguments go to the benchmark (e.g. --objects 2000 --size 65536 --delay-ms 20 --threads 2 --concurrency 8
# --partitions 12 --workers 3).
# Last line:
#   scale-out: w1_mibps=<> w2_mibps=<> w3_mibps=<> efficiency_w3=<w3/(3*w1)> duplicates=<n> verify=<clean|dirty>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
build_test_classpath
test_stack_up
run_test_class dev.cutover.storage.sync.ScaleOutBenchmark "$@"
