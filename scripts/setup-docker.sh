#!/usr/bin/env bash
# Makes a Docker engine answer for coldlab's container runtime (npm pretest, CI, by hand).
# Idempotent and quick when all is there. On a Debian-like host as root it installs docker.io,
# docker-registry, crun, runc and runsc (gVisor) when missing, registers crun and runsc as extra OCI
# runtimes in dockerd's config file, then starts dockerd in the background with its data under
# COLDLAB_DOCKER_ROOT. A dockerd already running on this host that lacks those runtimes is not restarted:
# its config file gets them and it is sent SIGHUP, which makes dockerd reload "runtimes" live.
#
# Environment:
#   DOCKER_HOST            engine to use (default unix:///var/run/docker.sock)
#   COLDLAB_CACHE          coldlab's cache folder (default <repo>/.cache, git-ignored)
#   COLDLAB_DOCKER_ROOT    dockerd --data-root (default $COLDLAB_CACHE/docker: overlay2 works on this ext4
#                          work disk, checked below; falls back to vfs where overlay mounts fail)
#   COLDLAB_DOCKER_LOG     dockerd log file (default $COLDLAB_CACHE/dockerd.log)
#   COLDLAB_DOCKER_WAIT_S  how long to wait for the engine (default 60)
#   COLDLAB_DOCKER_CONFIG  dockerd --config-file for an engine this script starts (default /etc/docker/daemon.json;
#                          a running dockerd's own --config-file wins)
#   COLDLAB_RUNSC_PLATFORM gVisor platform passed to runsc (default ptrace, which needs no KVM; kvm only where
#                          nested KVM works — on this Firecracker guest it hangs; this runsc has no systrap)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${COLDLAB_CACHE:-$repo/.cache}"
host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
data_root="${COLDLAB_DOCKER_ROOT:-$cache/docker}"
log_file="${COLDLAB_DOCKER_LOG:-$cache/dockerd.log}"
wait_s="${COLDLAB_DOCKER_WAIT_S:-60}"
config_file="${COLDLAB_DOCKER_CONFIG:-/etc/docker/daemon.json}"
runsc_platform="${COLDLAB_RUNSC_PLATFORM:-ptrace}"

say() { echo "setup-docker: $*"; }
answers() { command -v docker >/dev/null 2>&1 && DOCKER_HOST="$host" timeout 5 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

# A zombie passes kill -0: look at the process state too.
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

install_missing() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    say "missing $*: install them (as root: apt-get install $*)" >&2
    return 1
  fi
}

# The dockerd serving this host's engine: ours by its pid file, else the only dockerd running.
engine_pid() {
  if [ -f "$data_root.pid" ] && alive "$(cat "$data_root.pid")"; then cat "$data_root.pid"; return; fi
  local pids
  pids="$(pgrep -x dockerd || true)"
  [ "$(printf '%s\n' "$pids" | grep -c .)" = 1 ] && echo "$pids"
  return 0
}

# The config file a dockerd reads on SIGHUP: its --config-file, else dockerd's default.
config_of() {
  tr '\0' '\n' <"/proc/$1/cmdline" | awk 'f { print; exit } /^--config-file=/ { sub(/^--config-file=/, ""); print; exit } /^--config-file$/ { f = 1 }' | grep . || echo /etc/docker/daemon.json
}

register_runtimes() {
  node "$repo/scripts/docker-runtimes.mjs" "$1" "$(command -v crun || true)" "$(command -v runsc || true)" "$runsc_platform"
}

has_runsc() { DOCKER_HOST="$host" docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"runsc\".*--platform=$runsc_platform"; }

# An engine that answers but lacks runsc (started before runsc was added here): reload, never restart.
reload_with_runsc() {
  has_runsc && return 0
  command -v runsc >/dev/null 2>&1 || install_missing runsc || return 1
  local pid file
  pid="$(engine_pid)"
  if [ -z "$pid" ]; then
    say "the engine on $host has no runsc runtime and is not a dockerd of this host: register runsc in its daemon.json (\"runtimes\": {\"runsc\": {\"path\": \"$(command -v runsc)\", \"runtimeArgs\": [\"--platform=$runsc_platform\", \"--network=host\"]}}) and reload it" >&2
    return 1
  fi
  file="$(config_of "$pid")"
  say "registering runsc (gVisor, --platform=$runsc_platform) in $file and reloading dockerd (pid $pid) with SIGHUP: $(register_runtimes "$file")"
  kill -HUP "$pid"
  for _ in $(seq 1 20); do has_runsc && return 0; sleep 0.5; done
  say "dockerd did not pick up runsc after SIGHUP; last log lines:" >&2
  tail -n 5 "$log_file" >&2 || true
  return 1
}

if answers; then
  say "engine already answers on $host ($(DOCKER_HOST="$host" docker info --format 'v{{.ServerVersion}}, {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null))"
  # The container tests need runsc; a failure here is said, and those tests then say what is missing.
  reload_with_runsc || true
  exit 0
fi

# 1. Packages.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v crun >/dev/null 2>&1 || missing+=(crun)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v runsc >/dev/null 2>&1 || missing+=(runsc)
install_missing "${missing[@]}" || exit 1

# 2. Start dockerd, only for a local unix socket we can own.
case "$host" in
  unix://*) sock="${host#unix://}" ;;
  *) say "no engine answers on $host and it is not a local socket: start that engine yourself" >&2; exit 1 ;;
esac
if [ "$(id -u)" != 0 ]; then
  say "no engine answers on $host; start dockerd as root (sudo bash $0)" >&2
  exit 1
fi

pid_file="$data_root.pid"
if [ -f "$pid_file" ] && alive "$(cat "$pid_file")"; then
  say "dockerd (pid $(cat "$pid_file")) is running but not answering yet; waiting"
else
  mkdir -p "$data_root" "$(dirname "$log_file")" "$(dirname "$sock")"
  rm -f "$pid_file"
  say "registering crun and runsc (gVisor, --platform=$runsc_platform) in $config_file: $(register_runtimes "$config_file")"
  args=(--data-root "$data_root" --host "$host" --pidfile "$pid_file" --exec-root "/run/coldlab-docker" --config-file "$config_file")
  # overlay2 needs a filesystem that supports it under data-root; fall back to vfs otherwise.
  probe_dir="$(mktemp -d "$data_root/.overlay-probe.XXXXXX")"
  mkdir -p "$probe_dir"/{l,u,w,m}
  if mount -t overlay overlay -o "lowerdir=$probe_dir/l,upperdir=$probe_dir/u,workdir=$probe_dir/w" "$probe_dir/m" 2>/dev/null; then
    umount "$probe_dir/m"
    args+=(--storage-driver overlay2)
    driver=overlay2
  else
    args+=(--storage-driver vfs)
    driver=vfs
  fi
  rm -rf "$probe_dir"
  crun_path="$(command -v crun || true)"
  # crun refuses hybrid hosts whose v2 tree still holds a controller ("cgroups in hybrid mode not
  # supported, drop all controllers from cgroupv2"); here hugetlb sat there. Binding such controllers to
  # their own v1 hierarchy, as systemd's hybrid layout does for the others, lets crun run; runc is unaffected.
  # A v1 hierarchy must also stay mounted: containerd's OOM watch fails ("cannot find cgroup mount
  # destination") for every container when one hierarchy of the process has no mount, and OOMKilled is lost.
  unified=/sys/fs/cgroup/unified
  if [ -d /sys/fs/cgroup/memory ] && [ "${COLDLAB_KEEP_CGROUPS:-0}" != 1 ]; then
    wanted=""
    [ -n "$crun_path" ] && [ -r "$unified/cgroup.controllers" ] && wanted="$(cat "$unified/cgroup.controllers")"
    unmounted="$(awk -F: '$1 != 0 && $2 != "" && $2 !~ /^name=/ && $2 !~ /,/ { print $2 }' /proc/self/cgroup | while read -r c; do mountpoint -q "/sys/fs/cgroup/$c" || echo "$c"; done)"
    for controller in $(printf '%s\n%s\n' "$wanted" "$unmounted" | sort -u); do
      if mkdir -p "/sys/fs/cgroup/$controller" && mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller" 2>/dev/null; then
        say "mounted cgroup v1 controller $controller at /sys/fs/cgroup/$controller (crun needs an empty v2 tree on hybrid hosts, containerd needs every hierarchy mounted; COLDLAB_KEEP_CGROUPS=1 skips this)"
      else
        say "could not mount cgroup controller $controller as v1: crun or OOM detection may fail here" >&2
      fi
    done
  fi
  say "starting dockerd ${args[*]} (log: $log_file)"
  nohup dockerd "${args[@]}" >>"$log_file" 2>&1 </dev/null &
  disown || true
fi

# 3. Wait, bounded.
deadline=$((SECONDS + wait_s))
until answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "dockerd did not answer within ${wait_s} s; last log lines:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 1
  fi
  sleep 0.5
done
say "engine ready on $host ($(DOCKER_HOST="$host" docker info --format 'v{{.ServerVersion}}, {{.Driver}}, runtimes: {{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>/dev/null))"
