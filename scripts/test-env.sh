#!/usr/bin/env bash
# Makes this machine ready for `npm test` (it runs as npm's pretest): a real Chromium for the report
# tests, a real Docker engine and registry for the container tests. Idempotent and quick when all is
# there; installs Debian packages when run as root on a Debian-like host.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-env: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test-env: missing ${missing[*]} (install them; browser tests will fail without Chromium)" >&2
  fi
fi

bash scripts/setup-docker.sh
