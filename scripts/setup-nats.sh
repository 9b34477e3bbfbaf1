#!/usr/bin/env bash
# Makes Debian's nats-server (JetStream built in, `-js`) available for coldlab's event phases and their
# tests (npm pretest, CI, by hand). Idempotent and quick when it is there. Only installs the binary's
# package: coldlab starts its own server per run on loopback, so no service is started or enabled here.
set -euo pipefail

say() { echo "setup-nats: $*"; }

if command -v nats-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing nats-server"
  # Other setup scripts may hold dpkg's lock right now: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # policy-rc.d 101 keeps the package's service from starting: coldlab runs its own server.
  had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  [ "$had_policy" = 1 ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nats-server >/dev/null || status=$?
  [ "$had_policy" = 1 ] || rm -f /usr/sbin/policy-rc.d
  exit "$status"
fi
say "missing nats-server: install it (as root: apt-get install nats-server); event tests will fail without it" >&2
