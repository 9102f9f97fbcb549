#!/usr/bin/env bash
# Our storage sync against `rclone sync`, GCS (the GCS JSON API fake, file-backed) to S3 (S3Mock from
# scripts/test-stack.sh), in one JVM run (dev.cutover.storage.sync.SyncVsRcloneBenchmark):
#   source: 2,000 objects of 256 KiB + 20 of 16 MiB; an untimed warm-up (1,000 x 256 KiB + 1 x 16 MiB, full then
#           1% changed and a delta): rclone once, ours 5 rounds so that its JIT has settled (each round prints its CPU);
#   full:   rclone sync, then our full sync (--ours-first: the other way round), each into its own empty S3 bucket;
#   delta:  1% of the objects overwritten with new bytes, then rclone sync again, then our delta sync.
# Same concurrency for both (16: ours `concurrency`, rclone `--transfers 16 --checkers 16`); rclone runs
# with --checksum so that both deltas compare by checksum. Both targets are checked complete (object
# count equals the source's, changed objects hold the new bytes). Buckets and temp files are removed at the end.
# Installs rclone (Debian package) when absent. Starts the test stack when it is not running and stops
# it again at the end; a stack that was already running is left running.
# Extra arguments go to the benchmark (e.g. --small 200 --large 2, --concurrency 8, --warmup-rounds 1, --profile,
# --ours-first).
# Last line:
#   sync-vs-rclone: full_ratio=<ours MiB/s / rclone MiB/s> delta_ratio=<rclone s / ours s> ours_full_mibps=<x> rclone_full_mibps=<y>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "need root (or sudo) to run: $*" >&2; exit 1
  fi
}

if ! command -v rclone >/dev/null 2>&1; then
  echo "rclone not installed: apt-get install -y rclone" >&2
  { as_root apt-get install -y -q rclone || { as_root apt-get update -q && as_root apt-get install -y -q rclone; }; } \
    >/tmp/sync-vs-rclone-apt.log 2>&1 || { tail -n 20 /tmp/sync-vs-rclone-apt.log >&2; exit 1; }
fi

source bench/lib.sh
build_test_classpath

test_stack_up

# S3Mock's pid, so that the benchmark can report the CPU each run costs it.
s3mock_pid_file="${CUTOVER_TEST_STACK_DIR:-.test-stack}/pids/s3mock.pid"
s3mock_pid=()
if [ -s "$s3mock_pid_file" ]; then s3mock_pid=(--s3mock-pid "$(cat "$s3mock_pid_file")"); fi

BENCH_JAVA_OPTS="-Xmx2g ${BENCH_JAVA_OPTS:-}" run_test_class dev.cutover.storage.sync.SyncVsRcloneBenchmark \
  --s3 "$CUTOVER_TEST_S3_ENDPOINT" "${s3mock_pid[@]}" "$@"
