#!/usr/bin/env bash
# Makes a Docker engine answer for coldlab's container runtime (npm pretest, CI, by hand).
# Idempotent: returns at once when an engine already answers. On a Debian-like host as root it
# installs docker.io, docker-registry, crun and runc when missing, then starts dockerd in the
# background with its data under COLDLAB_DOCKER_ROOT and crun registered as an extra OCI runtime.
#
# Environment:
#   DOCKER_HOST            engine to use (default unix:///var/run/docker.sock)
#   COLDLAB_CACHE          coldlab's cache folder (default <repo>/.cache, git-ignored)
#   COLDLAB_DOCKER_ROOT    dockerd --data-root (default $COLDLAB_CACHE/docker: overlay2 works on this ext4
#                          work disk, checked below; falls back to vfs where overlay mounts fail)
#   COLDLAB_DOCKER_LOG     dockerd log file (default $COLDLAB_CACHE/dockerd.log)
#   COLDLAB_DOCKER_WAIT_S  how long to wait for the engine (default 60)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${COLDLAB_CACHE:-$repo/.cache}"
host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
data_root="${COLDLAB_DOCKER_ROOT:-$cache/docker}"
log_file="${COLDLAB_DOCKER_LOG:-$cache/dockerd.log}"
wait_s="${COLDLAB_DOCKER_WAIT_S:-60}"

say() { echo "setup-docker: $*"; }
answers() { command -v docker >/dev/null 2>&1 && DOCKER_HOST="$host" timeout 5 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

if answers; then
  say "engine already answers on $host ($(DOCKER_HOST="$host" docker info --format 'v{{.ServerVersion}}, {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null))"
  exit 0
fi

# 1. Packages.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v crun >/dev/null 2>&1 || missing+=(crun)
command -v runc >/dev/null 2>&1 || missing+=(runc)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing ${missing[*]}: install them (as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

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
# A zombie passes kill -0: look at the process state too.
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
if [ -f "$pid_file" ] && alive "$(cat "$pid_file")"; then
  say "dockerd (pid $(cat "$pid_file")) is running but not answering yet; waiting"
else
  mkdir -p "$data_root" "$(dirname "$log_file")" "$(dirname "$sock")"
  rm -f "$pid_file"
  args=(--data-root "$data_root" --host "$host" --pidfile "$pid_file" --exec-root "/run/coldlab-docker")
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
  [ -n "$crun_path" ] && args+=(--add-runtime "crun=$crun_path")
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
