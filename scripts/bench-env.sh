#!/usr/bin/env bash
# Makes this machine ready for one `npm run bench` section (bench/prereqs.ts runs it): what the section
# measures against or runs must be there, installed the way scripts/test-env.sh installs Debian packages.
#   bash scripts/bench-env.sh gateway   nginx, the gateway's baseline proxy (Debian package, as root)
#   bash scripts/bench-env.sh wasm      the Wasm fixtures built from source (npm run build:wasm)
# Prints one line saying what is missing and how to get it when it cannot install; exits 3 then.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  gateway)
    [ -x /usr/sbin/nginx ] || [ -x /usr/bin/nginx ] && exit 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "bench-env: installing nginx (Debian package; the bench starts its own instance, the service is not enabled)"
      apt-get update -qq
      # policy-rc.d 101: the package must not start its own nginx on port 80 at install (an existing one is kept).
      made_policy=
      if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1; fi
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
      [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
    else
      echo "bench-env: nginx missing: as root, apt-get install nginx" >&2
      exit 3
    fi
    ;;
  wasm)
    # clang for wasm32-wasi and wasi-libc come from scripts/test-env.sh; build-wasm says which is missing.
    npx tsx scripts/build-wasm.ts >/dev/null || { echo "bench-env: the Wasm fixtures did not build: run bash scripts/test-env.sh (clang-14, lld-14, wasi-libc), then npm run build:wasm" >&2; exit 3; }
    ;;
  *)
    echo "usage: bash scripts/bench-env.sh gateway|wasm" >&2
    exit 2
    ;;
esac
