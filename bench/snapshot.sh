#!/usr/bin/env bash
# The fallback snapshot of a big table (dev.cutover.database.mysql.SnapshotBenchmark): seeds
# bench_snapshot.orders on the test stack's MariaDB source with BENCH_ROWS rows (default 1,000,000,
# about 200 MB of dump), then times the server's own dump tool writing to a local file, and the
# mysql-snapshot step streaming the same dump to S3Mock and restore-checking it. The JVM runs with
# -Xmx256m and reports the peak heap used during the step: memory stays bounded whatever the size.
# The seed, the restore check and the drop stay out of the binlog (sql_log_bin=0), so the replica
# and whoever tests against it never see them. Last line:
#   snapshot: rows=<n> bytes=<b> dump_mibps=<ours> mysqldump_mibps=<tool to local file> restore_s=<s> peak_heap_mib=<m>
# Target: dump_mibps within 1.5x of mysqldump_mibps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source bench/lib.sh
build_test_classpath

test_stack_up

ROWS="${BENCH_ROWS:-1000000}"
DB=bench_snapshot
PORT="${CUTOVER_TEST_MYSQL_SOURCE_PORT:-13306}"
sql() {
  MYSQL_PWD="$CUTOVER_TEST_MYSQL_PASSWORD" mariadb --no-defaults --protocol=TCP --host=127.0.0.1 --port="$PORT" \
    --user="$CUTOVER_TEST_MYSQL_USER" --batch --skip-column-names \
    --init-command="SET SESSION sql_log_bin = 0" -e "$1"
}
cleanup() { sql "DROP DATABASE IF EXISTS $DB" || true; }
stack_trap="$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")"
trap "cleanup; ${stack_trap}" EXIT

cleanup
echo "seeding $ROWS rows into $DB.orders ..." >&2
sql "CREATE DATABASE $DB"
sql "CREATE TABLE $DB.orders (id BIGINT PRIMARY KEY, customer VARCHAR(64) NOT NULL, item VARCHAR(64) NOT NULL,
       amount DECIMAL(12,2) NOT NULL, status VARCHAR(16) NOT NULL, created DATETIME(3) NOT NULL, note VARCHAR(40))"
sql "INSERT INTO $DB.orders SELECT seq, MD5(seq), SHA2(seq, 256), seq % 100000 / 100,
       ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'returned'), '2026-01-01' + INTERVAL seq SECOND,
       IF(seq % 5 = 0, NULL, REPEAT(CHAR(97 + seq % 26), 30)) FROM $DB.seq_1_to_$ROWS"

BENCH_JAVA_OPTS="-Xmx256m ${BENCH_JAVA_OPTS:-}" run_test_class dev.cutover.database.mysql.SnapshotBenchmark "$DB" "$ROWS"
