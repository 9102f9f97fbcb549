#!/usr/bin/env bash
# The traffic gate of runbooks/rehearsal.yaml timed (dev.cutover.sandbox.TrafficValidationBenchmark): the service
# in one JVM over its REST API; MariaDB pair, S3Mock and BIND from scripts/test-stack.sh; the GCS fake, the MongoDB
# stub replica set, the shop application (127.0.0.1:18080) and Debian's Prometheus scraping it every second
# (127.0.0.1:19091) in or from the same JVM; an application writing 50 orders/s. Five clean rehearsals, each of
# which must complete with its metric gate passing (a rollback there is a false one), then one whose error rate is
# raised to 0.2 three seconds into the gate (interval 1s, for 10s, onFailure: rollback), which the service must
# roll back by itself. "Scrapeable" is when Prometheus first answers the raised value (polled every 100 ms).
# Starts the test stack when it is not running and stops it again at the end. Last line:
#   traffic-validation: detect_ms=<scrapeable -> gate failed> rollback_s=<gate failed -> ROLLED_BACK> lost=<acknowledged writes lost, all runs> false_rollbacks=<rollbacks in 5 clean runs>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

test_stack_up

run_test_class dev.cutover.sandbox.TrafficValidationBenchmark "$@"
