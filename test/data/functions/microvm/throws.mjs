// Fails at import: Node exits, the guest reboots, QEMU ends before the first answer.
throw new Error('microvm-fixture: init failed on purpose');
