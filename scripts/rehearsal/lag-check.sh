#!/usr/bin/env bash
# Stand-in for mysql-lag-gate: three consecutive samples under the threshold.
set -euo pipefail
source "$(dirname "$0")/common.sh"
for sample in 1 2 3; do
  say "sample $sample: lag 0 s (threshold 5 s)"
  sleep 0.2
done
