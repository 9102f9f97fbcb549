#!/usr/bin/env bash
# Network faults between "the clouds", the long version of the CI tests that run through a
# FaultyLink (src/test/java/dev/cutover/testsupport/net): SyncOverFaultyLinkTests with a bigger
# bucket and a 30 s partition, CommandFreezeWithIptablesTests, LagGateOverPartitionedLinkTests,
# DnsSwitchOverLossyLinkTests (BENCH_DNS_LOSS_PCT, default 20), ReplicaCutOffTests (blind lag gate,
# promotion refused and cut mid-promotion, SIGKILLed replica) and DnsSwitchRetriesTests. Needs root (ip netns, iptables);
# the test stack is started unless it runs already. Knobs (environment):
#   BENCH_DELAY_MS (100)  BENCH_LOSS_PCT (2)  BENCH_RATE (20mbit)  BENCH_LOSSY_OBJECTS (300, 32 KiB each)
#   BENCH_PARTITION_S (30)  BENCH_PARTITION_OBJECTS (1500, 4 KiB each)
# Last line:
#   net-faults: lossy_objects=<n> delay_ms=<d> loss_pct=<p> rate=<tc rate> lossy_sync_and_verify_ms=<ms> partition_objects=<n>
#     partition_s=<s> partition_outcome=<ridden-out-by-retries|failed-cleanly-then-resumed> done_after_heal_ms=<ms>
#     dns_loss_pct=<p> dns_outcome=<completed|failed> dns_reverted=yes
#     promote_refused_ms=<ms> midpromote_step_ended_ms=<ms> dns_retries_used=<n>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$(id -u)" -eq 0 ] || { echo "net-faults: needs root (ip netns, iptables inside a namespace)" >&2; exit 2; }
source bench/lib.sh
test_stack_up

mkdir -p target
./mvnw -q -B test -Dtest='SyncOverFaultyLinkTests,CommandFreezeWithIptablesTests,LagGateOverPartitionedLinkTests,DnsSwitchOverLossyLinkTests,ReplicaCutOffTests,DnsSwitchRetriesTests' \
    -Dsurefire.failIfNoSpecifiedTests=false \
    -Dnetfaults.delayMs="${BENCH_DELAY_MS:-100}" -Dnetfaults.lossPercent="${BENCH_LOSS_PCT:-2}" \
    -Dnetfaults.rate="${BENCH_RATE:-20mbit}" \
    -Dnetfaults.lossyObjects="${BENCH_LOSSY_OBJECTS:-300}" \
    -Dnetfaults.partitionSeconds="${BENCH_PARTITION_S:-30}" \
    -Dnetfaults.partitionObjects="${BENCH_PARTITION_OBJECTS:-1500}" \
    -Dnetfaults.dnsLossPercent="${BENCH_DNS_LOSS_PCT:-20}" \
    </dev/null >target/net-faults.log 2>&1 || { tail -n 60 target/net-faults.log >&2; exit 1; }

out=target/surefire-reports/dev.cutover.storage.sync.SyncOverFaultyLinkTests-output.txt
lossy=$(grep -h '^netfaults lossy:' "$out" | tail -n 1)
partition=$(grep -h '^netfaults partition:' "$out" | tail -n 1)
dns=$(grep -h '^netfaults dns:' target/surefire-reports/dev.cutover.dns.DnsSwitchOverLossyLinkTests-output.txt | tail -n 1)
grep -h '^CommandFreezeWithIptablesTests:\|^LagGateOverPartitionedLinkTests:\|^ReplicaCutOffTests:\|^DnsSwitchRetriesTests:' \
    target/surefire-reports/*-output.txt >&2 || true
cutoff=target/surefire-reports/dev.cutover.database.mysql.ReplicaCutOffTests-output.txt
refused_ms=$(sed -n 's/^ReplicaCutOffTests: promotion refused \([0-9]*\) ms.*/\1/p' "$cutoff" | tail -n 1)
midpromote_ms=$(sed -n 's/^ReplicaCutOffTests: a cut mid-promotion ended the step \([0-9]*\) ms.*/\1/p' "$cutoff" | tail -n 1)
retries=$(sed -n 's/^DnsSwitchRetriesTests: a 1 s cut ridden out.*; \([0-9]*\) messages\{0,1\} sent again.*/\1/p' \
    target/surefire-reports/dev.cutover.dns.DnsSwitchRetriesTests-output.txt | tail -n 1)
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
echo "net-faults: lossy_objects=$(field "$lossy" objects) delay_ms=$(field "$lossy" delay_ms)" \
     "loss_pct=$(field "$lossy" loss_pct) rate=$(field "$lossy" rate) lossy_sync_and_verify_ms=$(field "$lossy" sync_and_verify_ms)" \
     "partition_objects=$(field "$partition" objects) partition_s=$(field "$partition" partition_s)" \
     "partition_outcome=$(field "$partition" outcome) done_after_heal_ms=$(field "$partition" done_after_heal_ms)" \
     "dns_loss_pct=$(field "$dns" loss_pct) dns_outcome=$(field "$dns" outcome) dns_reverted=$(field "$dns" reverted)" \
     "promote_refused_ms=${refused_ms:-?} midpromote_step_ended_ms=${midpromote_ms:-?} dns_retries_used=${retries:-?}"
