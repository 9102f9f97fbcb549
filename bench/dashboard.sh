#!/usr/bin/env bash
# The dashboard's speed (dev.cutover.dashboard.DashboardBenchmark): the service in one JVM on a free port
# with an in-memory H2 and a runbook of quick command steps (no test stack, no MariaDB), driven over HTTP
# by browsers logged in through the login form.
#   page_ms         server time of GET /cutovers/{id} (the whole HTML) for a cutover with 10,000 events, median
#   first_event_ms  from POST /api/cutovers/{id}/phases/ping/start to its event on an open event stream, median
#   phase_slowdown  a phase of 20 command steps with 50 open pages (each holding the event stream on which the
#                   service pushes the page's live parts) against none: ratio of the medians
# Options go to the benchmark: --events=10000 --viewers=50 --rounds=5 --samples=50
# A CPU profile: BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/dashboard.jfr bash bench/dashboard.sh
# Last line:
#   dashboard: page_ms=<ms> first_event_ms=<ms> viewers=<n> phase_slowdown=<ratio>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

run_test_class dev.cutover.dashboard.DashboardBenchmark "$@"
