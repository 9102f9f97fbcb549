#!/usr/bin/env bash
# Stand-in for the application deployment in AWS; --undo removes it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [[ "${1:-}" == "--undo" ]]; then
  rm -f "$STATE_DIR/deployed"; say "application deployment removed"
else
  date -u +%FT%TZ > "$STATE_DIR/deployed"; say "application deployed"
fi
