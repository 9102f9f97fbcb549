#!/usr/bin/env bash
# Stand-in for dns-switch: the "record" is a file holding where the name points.
set -euo pipefail
source "$(dirname "$0")/common.sh"
case "${1:-}" in
  switch) echo "aws-alb.example.com" > "$STATE_DIR/dns"; say "app.example.com -> aws-alb.example.com" ;;
  revert) echo "gcp-lb.example.com" > "$STATE_DIR/dns"; say "app.example.com -> gcp-lb.example.com" ;;
  *) echo "usage: dns.sh switch|revert" >&2; exit 2 ;;
esac
