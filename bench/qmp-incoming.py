#!/usr/bin/env python3
# The by-hand side of a lazy restore for `npm run bench -- microvm`: what coldlab's startLazyIncoming does over
# QMP, in a few lines: wait for QEMU's QMP socket (every 5 ms), set x-ignore-shared (QEMU 7.2 has no switch for
# it on the command line), then start the incoming migration from the snapshot file.
# usage: qmp-incoming.py <qmp socket> <snapshot file>
import json, shlex, socket, sys, time

path, snapshot = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 60
while True:
    try:
        qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qmp.connect(path)
        break
    except OSError:
        qmp.close()
        if time.monotonic() > deadline:
            sys.exit("no QMP socket")
        time.sleep(0.005)
replies = qmp.makefile("r")


def execute(command, arguments=None):
    qmp.sendall((json.dumps({"execute": command, **({"arguments": arguments} if arguments else {})}) + "\n").encode())
    while True:
        reply = json.loads(replies.readline())
        if "return" in reply:
            return
        if "error" in reply:
            sys.exit(f"{command}: {reply['error']}")


replies.readline()  # the greeting
execute("qmp_capabilities")
execute("migrate-set-capabilities", {"capabilities": [{"capability": "x-ignore-shared", "state": True}]})
execute("migrate-incoming", {"uri": f"exec:cat {shlex.quote(snapshot)}"})
