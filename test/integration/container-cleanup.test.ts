import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { resolve } from 'node:path';
import { ContainerRuntime } from '../../src/runtimes/container/runtime.js';
import { docker } from '../../src/runtimes/container/docker.js';
import { createOptions } from '../../src/runtimes/container/createOptions.js';
import { removeContainer } from '../../src/runtimes/container/instance.js';
import { containerVariant, ensureEngine } from '../helpers/docker.js';

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
    orphanOptions.Labels = { ...orphanOptions.Labels, 'coldlab.pid': String(await deadPid()) };
    // pid 1 is always alive: stands for a coldlab still running in another process.
    liveOptions.Labels = { ...liveOptions.Labels, 'coldlab.pid': '1' };
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
});
