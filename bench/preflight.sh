#!/usr/bin/env bash
# Preflight of runbooks/rehearsal.yaml in environment local against the local stack
# (dev.cutover.preflight.PreflightBenchmark): the service in one JVM; MariaDB pair, S3Mock and BIND from
# scripts/test-stack.sh; the GCS fake and the MongoDB stub on the runbook's ports (started by the benchmark
# unless a sandbox already listens there). Read-only on the peers except the S3 target bucket, created when
# absent. The service runs from a scratch directory linking runbooks/, scripts/ and the test stack's state
# dir as .test-stack/, so the runbook's ${file:.test-stack/dns/tsig.secret} resolves wherever the stack lives.
# Prints the table of a first preflight (fresh JVM; the service loads the AWS, Google and MongoDB clients in the
# background when it is ready, and the first preflight is asked once that warm-up has ended, as a person would
# ask a little after the start; with --no-wait it is asked at once and races the warm-up, seconds on a busy
# machine, so probes can hit their 5 s timeout) and of a second one, as a service that has been up answers it.
# The shop application and its Prometheus (the traffic gate's queries) are started too unless they run.
# Target: the whole table within 5000 ms.
# The line before last has the first preflight's figures; the last line the second's:
#   preflight: checks=<n> failed=<n> wall_ms=<ms>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

test_stack_up

REPO="$(pwd)"
STACK_DIR="$(cd "${CUTOVER_TEST_STACK_DIR:-$REPO/.test-stack}" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/preflight-bench.XXXXXX")"
ln -s "$REPO/runbooks" "$WORK/runbooks"
ln -s "$REPO/scripts" "$WORK/scripts"
ln -s "$STACK_DIR" "$WORK/.test-stack"

CLASSPATH="$REPO/target/test-classes:$REPO/target/classes:$(cat target/bench-classpath.txt)"
cd "$WORK"
# shellcheck disable=SC2086
rc=0
CUTOVER_TEST_STACK_DIR="$STACK_DIR" java ${BENCH_JAVA_OPTS:-} -cp "$CLASSPATH" dev.cutover.preflight.PreflightBenchmark "$@" || rc=$?
rm -rf "$WORK"
exit "$rc"
