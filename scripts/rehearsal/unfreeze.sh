#!/usr/bin/env bash
# Inverse of freeze.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"
rm -f "$STATE_DIR/frozen"
say "writes to ${TARGET:-db} unfrozen"
