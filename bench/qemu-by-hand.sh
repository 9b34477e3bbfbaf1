#!/bin/bash
# The baseline of `npm run bench -- microvm`: the same QEMU command coldlab runs, started by hand and
# polled on the same forwarded port until the bootstrap's first HTTP 200. Prints microseconds.
# usage: qemu-by-hand.sh <port> <qemu arguments...>
# A lazy restore (QEMU started with -incoming defer): QMP_SOCKET and SNAPSHOT in the environment, and the
# incoming migration is started over QMP beside the polling, as coldlab does (bench/qmp-incoming.py).
# CLOCK_FIX=1: the restored guest gets on its console the line coldlab sends it at spawn ("r": set the wall
# clock from the RTC), so both sides make the guest do the same work.
# Polling as coldlab polls (src/runtimes/microvm/ready.ts): a new `curl -m 1` every 20 ms, up to four at
# once, so a try made before a restored guest resumes (it stalls until its deadline) does not hold the
# first 200 back; the first 200 wins.
port=$1
shift
done_flag=$(mktemp -u)
# The QMP helper is started first, off the timed path (Python's start, and pyenv's shim where there is one,
# take longer than QEMU's own): it waits for QEMU's socket, trying every 5 ms as coldlab does.
if [ -n "$QMP_SOCKET" ]; then
  python3 "$(dirname "$0")/qmp-incoming.py" "$QMP_SOCKET" "$SNAPSHOT" &
  sleep 0.5
fi
start=$(date +%s%N)
if [ -n "$CLOCK_FIX" ]; then printf '\nr\n' | qemu-system-x86_64 "$@" >/dev/null 2>&1 &
else qemu-system-x86_64 "$@" </dev/null >/dev/null 2>&1 &
fi
qemu=$!
tries=()
until [ -e "$done_flag" ]; do
  kill -0 "$qemu" 2>/dev/null || { echo "qemu exited" >&2; exit 1; }
  running=0
  for pid in "${tries[@]}"; do kill -0 "$pid" 2>/dev/null && running=$((running + 1)); done
  if [ "$running" -lt 4 ]; then
    { curl -sf -o /dev/null -m 1 "http://127.0.0.1:$port/__coldlab/health" && : > "$done_flag"; } &
    tries+=($!)
  fi
  sleep 0.02
done
end=$(stat -c %.9Y "$done_flag" 2>/dev/null | tr -d .)
kill -9 "$qemu" "${tries[@]}" 2>/dev/null
wait 2>/dev/null
rm -f "$done_flag"
echo $(((end - start) / 1000))
