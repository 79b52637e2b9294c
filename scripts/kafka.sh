#!/usr/bin/env bash
# A single-node Kafka broker (KRaft: broker and controller in one JVM) on loopback for the tests, run
# from the org.apache.kafka:kafka_2.13 jars on Maven Central at the parent pom's kafka.version.
#   scripts/kafka.sh start    start it unless it already answers (idempotent); waits until it does
#   scripts/kafka.sh stop     stop it (SIGTERM, then SIGKILL after 30 s); its data is kept
#   scripts/kafka.sh status   exit 0 when it answers a Kafka ApiVersions request
# Settings (environment):
#   IDEM_KAFKA_HOST             address of both listeners            127.0.0.1
#   IDEM_KAFKA_PORT             client listener (PLAINTEXT)          9092
#   IDEM_KAFKA_CONTROLLER_PORT  KRaft controller listener            9093
#   IDEM_KAFKA_DIR              config, data, pid and log            /tmp/idem-kafka-$IDEM_KAFKA_PORT
#   IDEM_KAFKA_LIBS             the broker's jars (a cache)          ~/.cache/idem-kafka/$version/libs
#   IDEM_KAFKA_HEAP             the broker's heap                    512m
#   JAVA_HOME                   the JDK that runs it (17 or newer)   the java on the PATH
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

host="${IDEM_KAFKA_HOST:-127.0.0.1}"
port="${IDEM_KAFKA_PORT:-9092}"
controller_port="${IDEM_KAFKA_CONTROLLER_PORT:-9093}"
dir="${IDEM_KAFKA_DIR:-/tmp/idem-kafka-$port}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/pom.xml")"
libs="${IDEM_KAFKA_LIBS:-$HOME/.cache/idem-kafka/$version/libs}"
heap="${IDEM_KAFKA_HEAP:-512m}"
java="java"
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"

# An ApiVersions request (api key 18, version 0, correlation id 1, client id "idem"): a broker that serves
# clients answers with correlation id 1 and error code 0.
answers() {
  local reply
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x01\x00\x04idem" >&3
    head -c 10 <&3 | od -An -tx1' "$host" "$port" 2>/dev/null | tr -d ' \n')" || return 1
  [ "${reply:8:12}" = "000000010000" ]
}

running_pid() {
  local pid
  pid="$(cat "$dir/broker.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null \
    && echo "$pid"
}

fetch_jars() {
  [ -f "$libs/kafka_2.13-$version.jar" ] && return
  echo "kafka: fetching the broker's jars ($version) into $libs"
  local tmp="$libs.tmp.$$"
  rm -rf "$tmp"
  mvn -B -q -Dstyle.color=never -f "$root/kafka/broker/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" || { rm -rf "$tmp"; echo "kafka: could not fetch the broker's jars" >&2; exit 1; }
  mkdir -p "$(dirname "$libs")"
  rm -rf "$libs"
  mv "$tmp" "$libs"
}

write_config() {
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
offsets.topic.num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=16777216
EOF
  cat >"$dir/log4j2.properties" <<EOF
status=warn
appender.file.type=File
appender.file.name=file
appender.file.fileName=$dir/broker.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=warn
rootLogger.appenderRef.file.ref=file
logger.raft.name=kafka.server.KafkaRaftServer
logger.raft.level=info
EOF
}

stop() {
  local pid
  pid="$(running_pid)" || { echo "kafka: not running"; return; }
  kill "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { echo "kafka: stopped"; rm -f "$dir/broker.pid"; return; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/broker.pid"
  echo "kafka: killed after 30 s"
}

start() {
  if answers; then
    echo "kafka: already up on $host:$port"
    return
  fi
  if pid="$(running_pid)"; then
    echo "kafka: process $pid does not answer; stopping it first"
    stop
  fi
  fetch_jars
  write_config
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$("$java" -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    "$java" -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$libs/*" kafka.tools.StorageTool format \
      --ignore-formatted -t "$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; echo "kafka: formatting $dir/data failed" >&2; exit 1; }
  fi
  : >"$dir/broker.log"
  nohup "$java" -Xms128m -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/broker.pid"
  local pid=$!
  for _ in $(seq 1 600); do
    if answers; then
      echo "kafka: up on $host:$port (pid $pid, data in $dir)"
      return
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 30 "$dir/stdout.log" "$dir/broker.log" >&2 || true
  echo "kafka: the broker did not answer on $host:$port within 60 s; see $dir/broker.log" >&2
  exit 1
}

mkdir -p "$dir"
exec 9>"$dir/.lock"
case "${1:-status}" in
  start) flock 9; start ;;
  stop) flock 9; stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
