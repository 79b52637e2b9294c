#!/usr/bin/env bash
# A Redis Cluster of three masters on loopback for the tests: ports 7001-7003 (IDEM_REDIS_CLUSTER_PORTS),
# data under /tmp/idem-redis-cluster (IDEM_REDIS_CLUSTER_DIR), nothing persisted.
#   scripts/redis-cluster.sh start    start it unless it is already up and healthy (idempotent)
#   scripts/redis-cluster.sh stop     shut the nodes down
#   scripts/redis-cluster.sh status   exit 0 when every node answers and the cluster state is ok
set -euo pipefail

read -r -a ports <<< "${IDEM_REDIS_CLUSTER_PORTS:-7001 7002 7003}"
dir="${IDEM_REDIS_CLUSTER_DIR:-/tmp/idem-redis-cluster}"

healthy() {
  for port in "${ports[@]}"; do
    [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ] || return 1
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

stop() {
  for port in "${ports[@]}"; do
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
}

start() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
  if healthy; then
    echo "redis cluster: already up on ports ${ports[*]}"
    return
  fi
  stop
  rm -rf "$dir"
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --protected-mode no \
      --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 2000 \
      --save "" --appendonly no --dir "$dir/$port" --logfile "$dir/$port/redis.log" --daemonize yes
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do
      [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ] && break
      sleep 0.1
    done
  done
  nodes=()
  for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; exit 1; }
  for _ in $(seq 1 100); do
    if healthy; then
      echo "redis cluster: up on ports ${ports[*]}"
      return
    fi
    sleep 0.1
  done
  echo "redis cluster: did not become healthy; see $dir/*/redis.log" >&2
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) healthy ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
