import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { resolve } from 'node:path';
import { request } from 'undici';
import { ProcessRuntime } from '../../src/runtimes/process/runtime.js';
import { PARK_THEN_EXEC } from '../../src/runtimes/process/spawn.js';
import type { Variant } from '../../src/scenario/variant.js';

// Real processes and (as root) real cgroups: the process runtime parks the next start ahead, a shell already
// in its cgroup waiting for its instance id; each start must still get its own id, its own cgroup and limits.
const fn = { path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} };
const variant: Variant = {
  key: 'parked',
  id: 'parked#1',
  repetition: 1,
  runtime: 'process',
  memoryMb: 256,
  provisionedConcurrency: 0,
  prewarm: true,
  keepAliveMs: 60_000,
  instanceConcurrency: 1,
  maxInstances: 4,
  cpus: 1,
  phases: [],
  requestTimeoutMs: 5_000,
};

// The parked shells of this test process: they are the only /bin/sh running PARK_THEN_EXEC with our pid in their cgroup name.
async function parkedShells(): Promise<number> {
  const { stdout } = await execa('ps', ['-eo', 'ppid=,args=']);
  return stdout.split('\n').filter((l) => l.trim().startsWith(`${process.pid} `) && l.includes('read -r COLDLAB_INSTANCE_ID')).length;
}

describe('parked process starts', () => {
  it('each instance, parked or not, answers as itself in its own cgroup, and dispose leaves no parked shell', async () => {
    expect(PARK_THEN_EXEC).toContain('read -r COLDLAB_INSTANCE_ID');
    const runtime = new ProcessRuntime();
    const runId = `parked-${process.pid}`;
    const prepared = await runtime.prepare(fn, variant, runId);
    expect(await parkedShells()).toBe(1);
    try {
      // Two at once: one takes the parked start, the other parks its own on the spot.
      const [a, b] = await Promise.all([runtime.start(prepared, { instanceId: 'i1', runId }), runtime.start(prepared, { instanceId: 'i2', runId })]);
      for (const [instance, id] of [[a, 'i1'], [b, 'i2']] as const) {
        const res = await request(`${instance.url}/?name=x`);
        expect(JSON.parse(await res.body.text())).toMatchObject({ hello: 'x', instance: id });
      }
      if (process.getuid?.() === 0) {
        expect(a.cgroup).not.toBeNull();
        expect(b.cgroup).not.toBeNull();
        expect(JSON.stringify(a.cgroup)).not.toBe(JSON.stringify(b.cgroup));
      }
      // A third start after both: from the refilled parked start.
      await new Promise((r) => setTimeout(r, 200));
      const c = await runtime.start(prepared, { instanceId: 'i3', runId });
      const res = await request(`${c.url}/`);
      expect(JSON.parse(await res.body.text())).toMatchObject({ instance: 'i3' });
    } finally {
      await runtime.dispose(runId);
    }
    expect(await parkedShells()).toBe(0);
  });
});
