#!/usr/bin/env bash
# Drives random sequences of actions against the running service for minutes
# (dev.cutover.cutover.StateMachinePropertyTests, which CI runs for 5 s): start, pause, resume, approve,
# restart, abort, rollback and the same button pressed twice at once, on cutovers of the test runbook
# src/test/resources/test-runbooks/properties.yaml. After every move it checks: the state is a state of the
# state machine, every refusal is 409 problem+json with allowedActions (and the refused action is not among
# them), no 5xx, no step ran twice at once, the event log only grows and stays ordered, and a finished
# rollback undid every completed step exactly once. Failing sequences (as lists of moves) and the seed land
# in target/properties/last-run.txt.
# With CRASH=1 the packaged jar runs as its own process (H2 file database) and is killed with -9 and
# started again between moves now and then (dev.cutover.cutover.CrashPropertiesBench); it packages first.
# Usage: [CRASH=1] bench/state-machine-properties.sh [ISO-8601 duration, default PT5M] [seed]
# Last line:
#   properties: sequences=<n> actions=<n> violations=<n> seed=<seed>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

duration=${1:-PT5M}
rm -f target/properties/last-run.txt
status=0
if [[ "${CRASH:-0}" == "1" ]]; then
  ./mvnw -q -B package -DskipTests >target/state-machine-properties-package.log 2>&1 \
      || { tail -n 40 target/state-machine-properties-package.log >&2; exit 1; }
  build_test_classpath
  jar=$(ls target/cutover-orchestrator-*.jar | grep -v plain | head -n 1)
  BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Dcutover.jar=$PWD/$jar" \
      run_test_class dev.cutover.cutover.CrashPropertiesBench "$duration" ${2:+"$2"} \
      >target/state-machine-properties.log 2>&1 || status=$?
else
  seed_option=()
  if [[ $# -ge 2 ]]; then
    seed_option=("-Dproperties.seed=$2")
  fi
  ./mvnw -q -B test -Dtest=StateMachinePropertyTests -Dsurefire.failIfNoSpecifiedTests=false \
      -Dproperties.duration="$duration" "${seed_option[@]}" >target/state-machine-properties.log 2>&1 || status=$?
fi
if [[ ! -f target/properties/last-run.txt ]]; then
  tail -n 40 target/state-machine-properties.log >&2
  exit 1
fi
grep -E "^service restarts" target/state-machine-properties.log || true
head -n -1 target/properties/last-run.txt | cut -c1-2000
tail -n 1 target/properties/last-run.txt
exit "$status"
