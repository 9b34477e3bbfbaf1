#!/bin/sh
# The baseline of `npm run bench -- microvm`: the same QEMU command coldlab runs, started by hand and
# polled on the same forwarded port until the bootstrap's first HTTP 200. Prints microseconds.
# usage: qemu-by-hand.sh <port> <qemu arguments...>
port=$1
shift
start=$(date +%s%N)
qemu-system-x86_64 "$@" </dev/null >/dev/null 2>&1 &
qemu=$!
until curl -sf -o /dev/null -m 1 "http://127.0.0.1:$port/__coldlab/health"; do
  kill -0 "$qemu" 2>/dev/null || { echo "qemu exited" >&2; exit 1; }
  sleep 0.02
done
end=$(date +%s%N)
kill -9 "$qemu"
wait "$qemu" 2>/dev/null
echo $(((end - start) / 1000))
