#!/usr/bin/env bash
# The Idem demo: a payment provider floods a legacy webhook handler with duplicate events, under the
# Idem javaagent. Builds the agent and the demo when a jar is missing or older than the sources, then runs
#   java -javaagent:agent/target/idem-agent.jar -jar demo/target/idem-demo.jar [options]
# in demo/target, so that the agent's default store (embedded H2 in ./idem-data) lands there.
#
# Options: --events N  --deliveries K  --threads T  --seed S  --store <idem.store>  (--help for more)
# --store becomes -Didem.store=... for the JVM: memory, a JDBC URL, redis://host:port, ...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
agent="$root/agent/target/idem-agent.jar"
demo="$root/demo/target/idem-demo.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

jvm_options=()
demo_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --store)
      [ $# -ge 2 ] || { echo "demo.sh: --store needs a value, such as memory or jdbc:postgresql://host/db" >&2; exit 2; }
      jvm_options+=("-Didem.store=$2")
      shift 2 ;;
    --store=*)
      jvm_options+=("-Didem.store=${1#--store=}")
      shift ;;
    *)
      demo_options+=("$1")
      shift ;;
  esac
done

stale() {
  [ -f "$agent" ] && [ -f "$demo" ] || return 0
  local oldest="$agent"
  [ "$demo" -ot "$agent" ] && oldest="$demo"
  [ -n "$(find "$root/pom.xml" "$root/annotations" "$root/core" "$root/stores" "$root/agent" "$root/demo" \
      "$root/fixtures/webhooks/stripe" -name target -prune -o -type f -newer "$oldest" -print -quit)" ]
}

if stale; then
  echo "Building the agent and the demo (mvn package, a minute or two the first time)..." >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -pl demo,agent -am package -DskipTests >&2)
fi

cd "$root/demo/target"
exec "$java" ${jvm_options[@]+"${jvm_options[@]}"} -javaagent:"$agent" -jar "$demo" \
  ${demo_options[@]+"${demo_options[@]}"}
