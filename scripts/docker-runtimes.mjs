#!/usr/bin/env node
// Registers coldlab's extra OCI runtimes (crun, gVisor's runsc) under "runtimes" in a dockerd config
// file, keeping every other key and runtime already there. Used by setup-docker.sh, which then starts
// dockerd with that file or sends a running dockerd SIGHUP (dockerd reloads "runtimes" live).
// Usage: node docker-runtimes.mjs <config.json> <crun path|""> <runsc path|""> <runsc platform>
// Prints "changed" when it wrote the file, "same" when the file already held these runtimes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const [file, crun, runsc, platform] = process.argv.slice(2);
if (!file || platform === undefined) {
  console.error('usage: docker-runtimes.mjs <config.json> <crun path|""> <runsc path|""> <runsc platform>');
  process.exit(2);
}

let config = {};
try {
  config = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  if (error.code !== 'ENOENT') {
    console.error(`${file}: ${error.message}; fix or remove it, then run setup-docker.sh again`);
    process.exit(1);
  }
}

const wanted = {};
if (crun) wanted.crun = { path: crun };
// --network=host: this runsc (2022-12) refuses its own network stack on kernels whose network namespaces
// expose /proc/sys/net/core/rmem_default ("cannot run with network enabled in root network namespace"),
// as 6.x kernels do; the sandbox still runs in the container's own network namespace, but its socket
// calls go to the host kernel instead of gVisor's netstack. coldlab records this beside the platform.
if (runsc) wanted.runsc = { path: runsc, runtimeArgs: [`--platform=${platform}`, '--network=host'] };

const runtimes = { ...(config.runtimes ?? {}) };
let changed = false;
for (const [name, spec] of Object.entries(wanted)) {
  if (JSON.stringify(runtimes[name]) === JSON.stringify(spec)) continue;
  runtimes[name] = spec;
  changed = true;
}
if (changed) {
  mkdirSync(dirname(file), { recursive: true });
  // Written aside then renamed: a dockerd reloading at this moment never reads half a file.
  writeFileSync(`${file}.coldlab-tmp`, `${JSON.stringify({ ...config, runtimes }, null, 2)}\n`);
  renameSync(`${file}.coldlab-tmp`, file);
}
console.log(changed ? 'changed' : 'same');
