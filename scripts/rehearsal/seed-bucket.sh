#!/usr/bin/env bash
# Seeds the rehearsal's stand-in GCS bucket (.rehearsal/gcs/assets) with a few objects, and adds
# one more on every run, so each sync has something new to move.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bucket="$STATE_DIR/gcs/assets"
mkdir -p "$bucket/img" "$bucket/docs" "$bucket/logs"
for i in $(seq 1 20); do
  [[ -f "$bucket/img/$i.png" ]] || head -c $((4096 + i * 100)) /dev/urandom > "$bucket/img/$i.png"
done
echo "readme $(date -u +%FT%TZ)" > "$bucket/docs/readme-$(date -u +%s%N).txt"
echo "log line" > "$bucket/logs/app.log"   # logs/** is excluded: left behind, as in production
say "bucket assets seeded: $(find "$bucket" -type f | wc -l) objects"
