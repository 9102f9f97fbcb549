#!/usr/bin/env bash
# Load (issue 15): the service as a child JVM on its embedded H2 database with an event log of
# 1,000,000 events (bulk-seeded while the service is stopped), 20 cutovers of a fast runbook running at
# once, 50 clients polling GET /api/cutovers/{id} (and pages of events at random places in the log) and
# 50 holding event streams (10 of them replaying a 100,000-event backlog), all with HTTP Basic
# (dev.cutover.load.LoadBenchmark). The service's JVM starts with the shipped options (jvm.options, as the
# Dockerfile's ENTRYPOINT does) and the bench's -Xmx. Needs no test stack. Knobs as -D options in BENCH_JAVA_OPTS:
# load.events, load.cutovers, load.pollers, load.streams, load.pollPauseMillis, load.xmx, load.runLimit (ISO-8601, default PT5M),
# load.warmupRounds (default 1: the same round runs once before the measured one, as JVM benchmarks warm up;
# its figures are printed too; 0 measures the service fresh from start). Last line, of the measured round:
#   load: cutovers=<n> failed=<n> p99_get_ms=<ms> p99_events_page_ms=<ms> errors_5xx=<n> heap_mib=<peak>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

# Absolute class path: the service's JVM runs in a directory of its own and takes the main classes from it.
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-} -cp "$PWD/target/test-classes:$PWD/target/classes:$(cat target/bench-classpath.txt)" \
    dev.cutover.load.LoadBenchmark "$@"
