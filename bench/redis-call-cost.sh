#!/usr/bin/env bash
# Redis's own work per first call, in instructions: starts a throwaway Redis under valgrind's callgrind on
# a loopback port, runs dev.idem.bench.RedisCallCost against it and stops it. Needs valgrind and a built
# bench/target/benchmarks.jar (mvn -B -q install -DskipTests).
# Usage: bench/redis-call-cost.sh [first calls per contender, 2000 by default] [port, 6395 by default]
set -euo pipefail
calls=${1:-2000}
port=${2:-6395}
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -q install -DskipTests ($jar is missing)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
if redis-cli -p "$port" ping >/dev/null 2>&1; then
  echo "port $port is taken; pass another one" >&2; exit 1
fi
dumps=$(mktemp -d)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dumps/callgrind.out" \
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >"$dumps/valgrind.log" 2>&1 &
valgrind_pid=$!
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; wait "$valgrind_pid" 2>/dev/null || true; rm -rf "$dumps"' EXIT
for _ in $(seq 1 120); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  kill -0 "$valgrind_pid" 2>/dev/null || { cat "$dumps/valgrind.log" >&2; exit 1; }
  sleep 0.5
done
java -cp "$jar" dev.idem.bench.RedisCallCost "redis://127.0.0.1:$port" "$valgrind_pid" "$dumps" "$calls"
