#!/usr/bin/env bash
# Fuzzes the runbook parser and every step type's validation for minutes (dev.cutover.runbook.RunbookFuzzTests,
# which CI runs for 5 s): seeded mutations of the shipped runbooks (dropped/duplicated/swapped lines, YAML tags,
# aliases, flow brackets, bad durations and secret references, control characters, long strings, truncation).
# Fails on any exception that escapes, a problem without a line and column inside the file, a problem naming a
# Java class, or an input that takes over 2 s. Failing inputs land under target/fuzz/ with the seed to replay.
# Usage: bench/fuzz-runbooks.sh [ISO-8601 duration, default PT3M] [seed]
# Last line:
#   fuzz-runbooks: inputs=<n> valid=<n> problems=<n> failures=<n> max_ms=<slowest input> seed=<seed>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${1:-PT3M}
seed_option=()
if [[ $# -ge 2 ]]; then
  seed_option=("-Dfuzz.seed=$2")
fi
rm -f target/fuzz/last-run.txt
status=0
./mvnw -q -B test -Dtest=RunbookFuzzTests -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.duration="$duration" \
    "${seed_option[@]}" >target/fuzz-runbooks.log 2>&1 || status=$?
if [[ ! -f target/fuzz/last-run.txt ]]; then
  tail -n 40 target/fuzz-runbooks.log >&2
  exit 1
fi
grep -E "escaped|names Java|outside the file|says nothing|took " target/fuzz-runbooks.log | head -n 10 || true
tail -n 1 target/fuzz/last-run.txt
exit "$status"
