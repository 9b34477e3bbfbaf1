#!/usr/bin/env bash
# Makes this machine ready for `npm test` (it runs as npm's pretest): a real Chromium for the report
# tests, a real Docker engine and registry for the container tests. Idempotent and quick when all is
# there; installs Debian packages when run as root on a Debian-like host.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs the Debian packages named after "--" as root (apt options before it), or says which tests will fail.
install_or_say() {
  local consequence="$1"; shift
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-env: installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${opts[@]}" "$@" >/dev/null
  else
    echo "test-env: missing $* (install them; $consequence)" >&2
  fi
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The Wasm fixtures' C sources: clang for wasm32-wasi, its linker, wasi-libc and the wasm32 builtins.
command -v clang-14 >/dev/null 2>&1 || missing+=(clang-14)
command -v wasm-ld-14 >/dev/null 2>&1 || missing+=(lld-14)
[ -e /usr/lib/wasm32-wasi/libc.a ] || missing+=(wasi-libc)
ls /usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || missing+=(libclang-rt-14-dev-wasm32)
install_or_say "browser tests will fail without Chromium" -- "${missing[@]}"

# microVM tests: QEMU, a guest kernel (modules under /lib/modules), and the tools that build the guest image
# (a static busybox for its init, cpio, squashfs-tools, xz); setpriv ties each QEMU's life to coldlab's.
vm_missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || vm_missing+=(qemu-system-x86)
ls /boot/vmlinuz-* >/dev/null 2>&1 || vm_missing+=(linux-image-amd64)
command -v mksquashfs >/dev/null 2>&1 || vm_missing+=(squashfs-tools)
command -v cpio >/dev/null 2>&1 || vm_missing+=(cpio)
command -v xz >/dev/null 2>&1 || vm_missing+=(xz-utils)
command -v setpriv >/dev/null 2>&1 || vm_missing+=(util-linux)
{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic executable' || vm_missing+=(busybox-static)
install_or_say "microVM tests will fail without them" --no-install-recommends -- "${vm_missing[@]}"

bash scripts/setup-docker.sh
bash scripts/setup-nats.sh

# Prometheus for the --metrics-port test: Debian's package unpacked under .cache (apt-get download +
# dpkg -x), so no service is installed or started; the test starts it on loopback with its own config.
if [ ! -x .cache/prometheus/usr/bin/prometheus ]; then
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
    echo "test-env: unpacking Debian's prometheus into .cache/prometheus"
    tmp=$(mktemp -d)
    chmod 777 "$tmp"   # apt's _apt user writes the download there
    if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
      apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null)
    fi
    mkdir -p .cache/prometheus
    dpkg -x "$tmp"/prometheus_*.deb .cache/prometheus
    rm -rf "$tmp"
  else
    echo "test-env: no apt-get/dpkg: the Prometheus test will fail under CI=true" >&2
  fi
fi
