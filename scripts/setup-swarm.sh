#!/usr/bin/env bash
# A one-node Docker Swarm for `coldlab swarm run` and its tests, on the engine setup-docker.sh started.
#   bash scripts/setup-swarm.sh         make the engine a swarm manager if it is not part of a swarm yet
#   bash scripts/setup-swarm.sh leave   leave the swarm, only if this script made it (a marker file says so)
# The advertise and listen addresses are on loopback: nothing is opened to the network, and other users'
# plain containers and bridge networks are untouched (init adds the ingress and docker_gwbridge networks).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${COLDLAB_CACHE:-$repo/.cache}"
marker="$cache/swarm-initialised-by-coldlab"
say() { echo "setup-swarm: $*"; }
state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

if [ "${1:-init}" = leave ]; then
  if [ -f "$marker" ] && [ "$(state)" = active ]; then
    docker swarm leave --force >/dev/null && say "left the swarm this script made"
    # init made docker_gwbridge too, and leaving keeps it: it goes unless something still uses it.
    docker network rm docker_gwbridge >/dev/null 2>&1 || true
  fi
  rm -f "$marker"
  exit 0
fi

case "$(state)" in
  active) say "engine is already part of a swarm ($(docker info --format '{{.Swarm.NodeAddr}}, {{.Swarm.Nodes}} node(s), manager: {{.Swarm.ControlAvailable}}'))" ;;
  inactive)
    docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
    mkdir -p "$cache" && date -u +%FT%TZ >"$marker"
    say "initialised a one-node swarm on loopback (leave it with: bash scripts/setup-swarm.sh leave)" ;;
  *) say "the engine's swarm state is $(state): not touching it" >&2; exit 1 ;;
esac
