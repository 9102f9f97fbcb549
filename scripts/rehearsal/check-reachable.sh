#!/usr/bin/env bash
# Stand-in for the network checks: the loopback target answers on TCP.
set -euo pipefail
source "$(dirname "$0")/common.sh"
port="${TARGET_PORT:-8080}"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  say "target 127.0.0.1:$port reachable"
else
  say "target 127.0.0.1:$port NOT reachable" >&2
  exit 1
fi
