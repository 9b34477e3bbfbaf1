import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Variant } from '../../scenario/variant.js';
import { createLimitedCgroup, removeCgroup } from '../process/cgroupLimits.js';
import { spawnBootstrap } from '../process/spawn.js';
import { cgroupName } from '../ownerIdentity.js';
import { ColdlabError } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { stdioRoot, type WasmArtifact } from './artifact.js';
import { type ParkedThread, WASM_HOST, WasmHost } from './host.js';

/** The host's own Node runtime and each worker's isolate, beyond the instances' memoryMb. */
const HOST_BASE_MB = 64;
const WORKER_OVERHEAD_MB = 16;
const HOST_START_TIMEOUT_MS = 30_000;
/** Threads kept parked per host: one per instance the variant may start at once, up to two (each idles at a few MB). */
export const parkedThreads = (variant: Variant): number => Math.min(variant.maxInstances, 2);

/** Per-request timeout inside the host: half the load side's (which also waits for queueing and cold starts), so an endless loop is named, not just timed out. */
export const hostTimeoutMs = (variant: Variant): number => Math.max(100, Math.floor(variant.requestTimeoutMs / 2));

/**
 * Starts a variant's host process in its own cgroup (the process runtime's code), sized for maxInstances
 * instances of memoryMb each (plus the host's own runtime) and their CPU share (at least one CPU). Returns the host and notes.
 */
export async function launchHost(artifact: WasmArtifact, variant: Variant, env: Record<string, string>, runId: string, hostId: string): Promise<{ host: WasmHost; notes: string[] }> {
  const parked = parkedThreads(variant);
  // A parked thread has the variant's heap limit but holds no instance yet: only its isolate's overhead is counted.
  const memoryMb = (variant.memoryMb + WORKER_OVERHEAD_MB) * variant.maxInstances + WORKER_OVERHEAD_MB * parked + HOST_BASE_MB;
  // At least one CPU: the host's own work (worker creation, HTTP) must not starve at small memory sizes.
  const cpus = Math.min(availableParallelism(), Math.max(1, variant.cpus * variant.maxInstances));
  const limits = await createLimitedCgroup({ name: cgroupName(runId, hostId), memoryBytes: memoryMb * 1024 * 1024, cpus });
  const notes = [
    limits.enforced
      ? `wasm: one host process per variant, its cgroup capped at ${memoryMb} MB and ${Math.round(cpus * 100) / 100} CPU for up to ${variant.maxInstances} instances and ${parked} parked thread(s); each instance's heap and linear memory capped at ${variant.memoryMb} MB`
      : `limits not enforced: ${limits.reason}`,
  ];
  const cgroup = limits.enforced ? limits.ref : null;
  const spawned = spawnBootstrap(
    // node:wasi is marked experimental in Node 20; its warning would only fill the host's stderr tail.
    // --expose-gc: a thread whose instance was stopped collects it before it is parked again (runners/wasm/worker.mjs).
    [process.execPath, '--disable-warning=ExperimentalWarning', '--expose-gc', WASM_HOST],
    {
      ...process.env,
      COLDLAB_WASM_MODULE: artifact.path,
      COLDLAB_WASM_NAME: artifact.name,
      COLDLAB_WASM_START: variant.wasmStart ?? 'compile',
      COLDLAB_WASM_REUSE: variant.wasmReuse ? '1' : '0',
      COLDLAB_WASM_ENV: JSON.stringify(env),
      COLDLAB_MEMORY_MB: String(variant.memoryMb),
      COLDLAB_WASM_TIMEOUT_MS: String(hostTimeoutMs(variant)),
      COLDLAB_WASM_TMP: join(stdioRoot(runId), hostId),
      COLDLAB_WASM_PARKED: String(parked),
    },
    dirname(artifact.path),
    limits.enforced ? limits.procsFiles : [],
  );
  const ready = await withTimeout(spawned.ready, HOST_START_TIMEOUT_MS, undefined, () => new ColdlabError('WASM_HOST_START_TIMEOUT', `the Wasm host process did not start within ${HOST_START_TIMEOUT_MS / 1000} s`, 'check that node runs runners/wasm/host.mjs')).catch(
    async (error: unknown) => {
      spawned.child.kill('SIGKILL');
      if (cgroup) await removeCgroup(cgroup);
      throw error;
    },
  );
  if (variant.wasmStart === 'cached') notes.push(`wasm: ${artifact.name} compiled once by the host in ${ready.initMs.toFixed(2)} ms; cold starts reuse it`);
  const said = ready as typeof ready & { parked?: ParkedThread[]; parks?: boolean };
  return { host: new WasmHost(spawned, cgroup, spawned.child.pid, said.parked ?? [], said.parks ?? false), notes };
}
