#!/usr/bin/env bash
# Network checks of the rehearsal: every peer of the local stack answers on TCP (127.0.0.1:PORT ...).
set -euo pipefail
source "$(dirname "$0")/common.sh"
failed=0
for port in ${TARGET_PORTS:-8080}; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    say "127.0.0.1:$port reachable"
  else
    say "127.0.0.1:$port NOT reachable" >&2
    failed=1
  fi
done
exit "$failed"
