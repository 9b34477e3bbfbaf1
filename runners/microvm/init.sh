#!/bin/busybox sh
# coldlab microVM guest init (PID 1 of the initramfs). Loads the virtio and squashfs modules, brings up
# QEMU user-mode networking, mounts the root disk (Node, its libraries, runners/node/ and the function on
# an uncompressed squashfs) and runs the same bootstrap as every other runtime, chrooted into that disk.
# Then it answers the host on the serial console, one command a line:
#   m        -> "coldlab-meminfo MemTotal=<kB> MemAvailable=<kB> Cached=<kB>"   (the guest's own view)
#   r        -> sets the wall clock (a restored snapshot wakes up with the time it was saved at) from the
#               RTC, which QEMU keeps on the host's clock across a snapshot, so the host may send the line
#               before the guest resumes; answers "coldlab-clock <secs>", or
#               "coldlab-clock-failed" when the RTC cannot be read
# When Node exits the guest reboots, which ends QEMU (-no-reboot): the host sees a crash, not a hang.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# The accelerator probe only needs to know that a kernel runs to userspace.
case " $(cat /proc/cmdline) " in *" coldlab.probe=1 "*) echo coldlab-probe-ok; reboot -f ;; esac
for module in /modules/*.ko; do insmod "$module" || echo "coldlab-init: insmod $module failed"; done
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2 || echo 'coldlab-init: no network (virtio-net missing?)'
mount -t squashfs -o ro /dev/vda /root || echo 'coldlab-init: cannot mount the root disk /dev/vda'
mount -t proc proc /root/proc
mount -t devtmpfs dev /root/dev
mount -t tmpfs -o mode=1777 tmp /root/tmp
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    coldlab.instance=*) export COLDLAB_INSTANCE_ID="${arg#*=}" ;;
    coldlab.memory=*) export COLDLAB_MEMORY_MB="${arg#*=}" ;;
  esac
done
echo "coldlab-init: starting node (uptime $(cut -d' ' -f1 /proc/uptime) s)"
(
  . /root/opt/coldlab/env.sh
  chroot /root /usr/bin/node /opt/coldlab/bootstrap.mjs </dev/null
  echo "coldlab-node-exit $?"
  reboot -f
) &

meminfo() {
  out=
  while read -r key value rest; do
    case "$key" in MemTotal:|MemAvailable:|Cached:) out="$out ${key%:}=$value" ;; esac
  done </proc/meminfo
  echo "coldlab-meminfo$out"
}

stty -echo 2>/dev/null
while :; do
  read -r cmd arg || { sleep 1; continue; }
  case "$cmd" in
    m) meminfo ;;
    r) if read -r rtc </sys/class/rtc/rtc0/since_epoch && date -u -s "@$rtc" >/dev/null 2>&1; then echo "coldlab-clock $rtc"; else echo 'coldlab-clock-failed'; fi ;;
  esac
done
