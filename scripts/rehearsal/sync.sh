#!/usr/bin/env bash
# Stand-in for storage-sync (mode full|delta|final): records what it "copied".
set -euo pipefail
source "$(dirname "$0")/common.sh"
mode="${1:-full}"
for prefix in assets/ uploads/ reports/; do
  say "sync $mode: $prefix copied"
  sleep 0.2
done
echo "$mode $(date -u +%FT%TZ)" >> "$STATE_DIR/synced"
say "sync $mode done"
