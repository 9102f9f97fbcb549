#!/usr/bin/env bash
# Stand-in for the write freeze (in production an iptables rule on $TARGET).
set -euo pipefail
source "$(dirname "$0")/common.sh"
echo "${TARGET:-db}" > "$STATE_DIR/frozen"
say "writes to ${TARGET:-db} frozen"
