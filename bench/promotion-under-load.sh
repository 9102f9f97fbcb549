#!/usr/bin/env bash
# MySQL promotion and its rollback under write load (dev.cutover.database.mysql.PromotionUnderLoadBenchmark):
# an application writer inserts ≈200 rows/s (each acknowledged id recorded) into the test stack's MariaDB
# source while the service, driven over its REST API, runs a pre-checks phase (a lag gate; the service is then
# not fresh from boot, as on the night) and then write-freeze -> mysql-lag-gate -> mysql-promote;
# the writer fails over to the new primary once it takes writes. Then the same for the rollback.
# Measures the write-unavailability window (last acknowledged write on the old primary -> first on the
# new one) and counts acknowledged ids missing on the primary afterwards. Rejected writes are listed by
# error code (1290 = read-only) so none is silent.
# Starts the test stack when it is not running and stops it again at the end.
# Last line:
#   promotion-under-load: window_ms=<w> acknowledged=<n> lost=<l> rollback_window_ms=<r> rollback_lost=<l2>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

test_stack_up

run_test_class dev.cutover.database.mysql.PromotionUnderLoadBenchmark "$@"
