#!/usr/bin/env bash
# Drives random sequences of actions against the running service for minutes
# (dev.cutover.cutover.StateMachinePropertyTests, which CI runs for 5 s): start, pause, resume, approve,
# restart, abort, rollback and the same button pressed twice at once, on cutovers of the test runbook
# src/test/resources/test-runbooks/properties.yaml. After every move it checks: the state is a state of the
# state machine, every refusal is 409 problem+json with allowedActions (and the refused action is not among
# them), no 5xx, no step ran twice at once, the event log only grows and stays ordered, and a finished
# rollback undid every completed step exactly once. Failing sequences (as lists of moves) and the seed land
# in target/properties/last-run.txt.
# Usage: bench/state-machine-properties.sh [ISO-8601 duration, default PT5M] [seed]
# Last line:
#   properties: sequences=<n> actions=<n> violations=<n> seed=<seed>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${1:-PT5M}
seed_option=()
if [[ $# -ge 2 ]]; then
  seed_option=("-Dproperties.seed=$2")
fi
rm -f target/properties/last-run.txt
status=0
./mvnw -q -B test -Dtest=StateMachinePropertyTests -Dsurefire.failIfNoSpecifiedTests=false \
    -Dproperties.duration="$duration" "${seed_option[@]}" >target/state-machine-properties.log 2>&1 || status=$?
if [[ ! -f target/properties/last-run.txt ]]; then
  tail -n 40 target/state-machine-properties.log >&2
  exit 1
fi
head -n -1 target/properties/last-run.txt | cut -c1-2000
tail -n 1 target/properties/last-run.txt
exit "$status"
