#!/usr/bin/env bash
# Prints the foundation's figures: build times (cold = empty local Maven repository, so every
# dependency is downloaded; warm = nothing changed), packaged jar size, and service startup time
# (process start until /actuator/health answers, and Spring's own "Started ... in" figure).
#   bash bench/foundation-figures.sh            # warm build, jar, startup (3 starts)
#   bash bench/foundation-figures.sh --cold     # also a cold build into an empty repository
#   bash bench/foundation-figures.sh --tests    # also the full test suite (./mvnw verify)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cold=false; tests=false
for arg in "$@"; do
  case "$arg" in --cold) cold=true ;; --tests) tests=true ;; *) echo "unknown option $arg" >&2; exit 2 ;; esac
done

seconds() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if $cold; then
  repo=$(mktemp -d)
  start=$(date +%s%N)
  ./mvnw -q -B clean package -DskipTests -Dmaven.repo.local="$repo" >/dev/null
  echo "cold build (empty local repository, downloads included): $(seconds "$start") s"
  rm -rf "$repo"
fi

start=$(date +%s%N)
./mvnw -q -B -o clean package -DskipTests >/dev/null
echo "clean build (dependencies cached): $(seconds "$start") s"
start=$(date +%s%N)
./mvnw -q -B -o package -DskipTests >/dev/null
echo "warm build (nothing changed): $(seconds "$start") s"

jar=$(ls target/cutover-orchestrator-*.jar | grep -v original | head -1)
echo "jar size: $(du -m "$jar" | cut -f1) MiB ($jar)"

for run in 1 2 3; do
  dir=$(mktemp -d); port=$(free_port)
  start=$(date +%s%N)
  java -jar "$jar" --server.port="$port" --spring.datasource.url="jdbc:h2:file:$dir/db" >"$dir/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null; do sleep 0.1; done
  took=$(seconds "$start")
  spring=$(grep -o 'Started CutoverApplication in [0-9.]* seconds' "$dir/log" | grep -o '[0-9.]*' | head -1)
  echo "startup $run: healthy after $took s (Spring: started in $spring s)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
done

if $tests; then
  start=$(date +%s%N)
  ./mvnw -q -B verify >/dev/null
  echo "test suite (./mvnw verify, test stack already installed): $(seconds "$start") s"
fi
