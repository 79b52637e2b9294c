#!/usr/bin/env bash
# The servers the test suite talks to. `check` fails loudly, naming each server that does not answer;
# `start` starts the ones this repository runs itself (Redis Cluster, Kafka) and then checks them all.
# Addresses come from the same environment variables the tests read, with the machine's defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_host=127.0.0.1 pg_port=5432
maria_host=127.0.0.1 maria_port=3306
redis_url="${IDEM_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
redis_hostport="${redis_url#*://}"; redis_hostport="${redis_hostport%%/*}"; redis_hostport="${redis_hostport##*@}"

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

check() {
  local missing=()
  answers "$pg_host" "$pg_port" || missing+=("PostgreSQL at $pg_host:$pg_port (start: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)")
  answers "$maria_host" "$maria_port" || missing+=("MariaDB at $maria_host:$maria_port (start: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)")
  [ "$(redis-cli -h "${redis_hostport%:*}" -p "${redis_hostport##*:}" ping 2>/dev/null)" = "PONG" ] \
    || missing+=("Redis at $redis_hostport (start: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no)")
  bash scripts/redis-cluster.sh status || missing+=("Redis Cluster (start: bash scripts/redis-cluster.sh start)")
  bash scripts/kafka.sh status || missing+=("Kafka at ${IDEM_KAFKA_HOST:-127.0.0.1}:${IDEM_KAFKA_PORT:-9092} (start: bash scripts/kafka.sh start)")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'MISSING SERVER: %s\n' "${missing[@]}" >&2
    return 1
  fi
  echo "servers: PostgreSQL, MariaDB, Redis, Redis Cluster and Kafka answer"
}

case "${1:-check}" in
  start) bash scripts/redis-cluster.sh start; bash scripts/kafka.sh start; check ;;
  check) check ;;
  *) echo "usage: $0 start|check" >&2; exit 2 ;;
esac
