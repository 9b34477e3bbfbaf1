import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { resolve } from 'node:path';
import { ContainerRuntime } from '../../src/runtimes/container/runtime.js';
import { docker } from '../../src/runtimes/container/docker.js';
import { createOptions } from '../../src/runtimes/container/createOptions.js';
import { removeContainer } from '../../src/runtimes/container/instance.js';
import { containerVariant, ensureEngine } from '../helpers/docker.js';
import { ensureBaseImage } from '../../src/runtimes/container/images.js';
import { formatOwner, OWNER_ID_LABEL, ownIdentity } from '../../src/runtimes/ownerIdentity.js';

// `coldlab doctor --cleanup`: what a crashed coldlab left goes; what a live coldlab uses and the base image cache stay.
const runtime = new ContainerRuntime();
const hello = { path: resolve(import.meta.dirname, '../../fixtures/functions/hello.mjs'), handler: 'handler', env: {} };
let available = false;

beforeAll(async () => {
  available = await ensureEngine();
});

/** A pid that no process holds any more: the coldlab that "crashed". */
async function deadPid(): Promise<number> {
  const child = execa('true');
  const pid = child.pid ?? 999_999;
  await child;
  return pid;
}

describe('leftover cleanup', () => {
  it('removes containers of a dead coldlab, keeps those of a live one and the base image', async (t) => {
    if (!available) return t.skip();
    const d = await docker();
    const runId = `cleanup-${process.pid}`;
    const prepared = await runtime.prepare(hello, containerVariant(), runId);
    const base = { image: String(prepared.data.image), containerPort: 8080, env: {}, runId, memoryMb: 64, cpus: 0.5 };
    const orphanOptions = createOptions({ ...base, instanceId: 'orphan' });
    const liveOptions = createOptions({ ...base, instanceId: 'live' });
    const dead = await deadPid();
    orphanOptions.Labels = { ...orphanOptions.Labels, 'coldlab.pid': String(dead), [OWNER_ID_LABEL]: formatOwner({ ...ownIdentity(), pid: dead }) };
    // pid 1 is always alive: stands for a coldlab still running in another process.
    liveOptions.Labels = { ...liveOptions.Labels, 'coldlab.pid': '1', [OWNER_ID_LABEL]: formatOwner({ ...ownIdentity(), pid: 1 }) };
    const orphan = await d.createContainer(orphanOptions);
    const live = await d.createContainer(liveOptions);
    try {
      const removed = await runtime.cleanupLeftovers();
      expect(removed.some((r) => r.includes('-orphan-'))).toBe(true);
      expect(removed.some((r) => r.includes('-live-'))).toBe(false);
      expect(removed.some((r) => r.includes('coldlab/node-base'))).toBe(false);
      await expect(orphan.inspect()).rejects.toThrow();
      expect((await live.inspect()).Id).toBe(live.id);
      const bases = await d.listImages({ filters: JSON.stringify({ label: ['coldlab.kind=base'] }) });
      expect(bases.length).toBeGreaterThan(0);
    } finally {
      await removeContainer(live);
      await removeContainer(orphan);
      await runtime.dispose(runId);
    }
  });

  // A coldlab in a swarm task names its container: the sweep asks the engine whether that container still runs.
  it('an owner in another container and pid namespace: kept while that container runs, removed once it stopped', async (t) => {
    if (!available) return t.skip();
    const d = await docker();
    const runId = `cleanup-task-${process.pid}`;
    const base = await ensureBaseImage(d);
    const holder = async (start: boolean): Promise<string> => {
      const args = ['--label', `coldlab.test=${runId}`, '--entrypoint', '/usr/bin/node', base, '-e', 'setInterval(() => {}, 1e6)'];
      return (await execa('docker', start ? ['run', '-d', ...args] : ['create', ...args])).stdout.trim();
    };
    const [running, stopped] = [await holder(true), await holder(false)];
    const owned = async (instanceId: string, container: string) => {
      const options = createOptions({ image: base, containerPort: 8080, env: {}, runId, memoryMb: 64, cpus: 0.5, instanceId });
      // pid 7 in a namespace that is not ours: only the container can say whether that coldlab lives.
      options.Labels = { ...options.Labels, 'coldlab.pid': '7', [OWNER_ID_LABEL]: formatOwner({ ...ownIdentity(), pid: 7, pidns: '1', container }) };
      return d.createContainer(options);
    };
    const alive = await owned('in-running', running);
    const gone = await owned('in-stopped', stopped);
    try {
      const removed = await runtime.cleanupLeftovers();
      expect(removed.some((r) => r.includes('-in-stopped-'))).toBe(true);
      expect(removed.some((r) => r.includes('-in-running-'))).toBe(false);
      expect((await alive.inspect()).Id).toBe(alive.id);
      await expect(gone.inspect()).rejects.toThrow();
    } finally {
      await removeContainer(alive);
      await removeContainer(gone);
      await execa('docker', ['rm', '-f', running, stopped], { reject: false });
    }
  });
});
