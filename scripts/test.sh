#!/usr/bin/env bash
# The whole test suite, as CI runs it: starts the servers this repository runs itself (Redis
# Cluster, Kafka) and checks the others (PostgreSQL, MariaDB, Redis), builds every module and runs every test
# on Java 17 (the default JDK), then runs the engine's tests again on Java 25 when one is installed
# (CI requires it).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh start

jdk25="${IDEM_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"

echo "== Java 17: mvn verify (every module)"
mvn -B -ntp verify

if [ -x "$jdk25/bin/java" ]; then
  echo "== Java 25: annotations and core tests"
  JAVA_HOME="$jdk25" mvn -B -ntp -pl annotations,core verify
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: no JDK 25 at $jdk25 (set IDEM_JDK25); CI runs the engine's tests on Java 25 too" >&2
  exit 1
else
  echo "== Java 25: skipped, no JDK at $jdk25 (set IDEM_JDK25 to run it)"
fi
