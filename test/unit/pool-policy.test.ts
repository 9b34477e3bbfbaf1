import { describe, expect, it } from 'vitest';
import { Pool, type PoolOptions } from '../../src/platform/pool.js';
import type { Instance, InstanceExit } from '../../src/runtimes/types.js';

// Policy tests drive the pool with a manual clock and in-memory stand-in instances (no processes):
// what is under test is the scheduling policy, not a runtime.
interface Fake {
  instance: Instance;
  crash(reason: InstanceExit['reason']): void;
}

function fakeInstance(id: string): Fake {
  let exit!: (e: InstanceExit) => void;
  const exited = new Promise<InstanceExit>((r) => (exit = r));
  const instance: Instance = {
    id,
    url: `http://fake/${id}`,
    cgroup: null,
    limitsEnforced: false,
    notes: [],
    start: { totalMs: 10, initMs: 5 },
    exited,
    stop: async () => exit({ reason: 'stopped' }),
  };
  return { instance, crash: (reason) => exit({ reason }) };
}

function harness(overrides: Partial<PoolOptions> = {}) {
  let now = 0;
  const pending: { id: string; resolve(i: Instance): void; reject(e: Error): void }[] = [];
  const fakes = new Map<string, Fake>();
  const pool = new Pool({
    maxInstances: 2,
    instanceConcurrency: 1,
    keepAliveMs: 1000,
    provisioned: 0,
    clock: () => now,
    startInstance: (id) => new Promise<Instance>((resolve, reject) => pending.push({ id, resolve, reject })),
    ...overrides,
  });
  const finishStarts = async (): Promise<void> => {
    for (const p of pending.splice(0)) {
      const fake = fakeInstance(p.id);
      fakes.set(p.id, fake);
      p.resolve(fake.instance);
    }
    await new Promise((r) => setImmediate(r));
  };
  return { pool, pending, fakes, finishStarts, advanceMs: (ms: number) => (now += ms * 1000) };
}

describe('pool policy (test double: stand-in instances that start, crash and age on cue under a manual clock; real processes are exercised in process-run.test.ts)', () => {
  it('cold-starts the first request, serves the next one warm on the same instance', async () => {
    const { pool, finishStarts } = harness();
    const first = pool.acquire();
    await finishStarts();
    const a = await first;
    expect(a.startKind).toBe('cold');
    expect(a.coldReason).toBe('scale-out');
    a.release();
    const b = await pool.acquire();
    expect(b.startKind).toBe('warm');
    expect(b.instance.id).toBe(a.instance.id);
  });

  it('scales out up to maxInstances, then queues; a queued request is served warm when one frees', async () => {
    const { pool, pending, finishStarts } = harness({ maxInstances: 2 });
    const one = pool.acquire();
    const two = pool.acquire();
    expect(pending).toHaveLength(2);
    const three = pool.acquire();
    expect(pending).toHaveLength(2);
    await finishStarts();
    const [a, b] = await Promise.all([one, two]);
    expect(pool.stats().queued).toBe(1);
    a.release();
    const c = await three;
    expect(c.startKind).toBe('warm');
    expect(c.instance.id).toBe(a.instance.id);
    b.release();
    c.release();
  });

  it('respects instanceConcurrency: several requests share one starting instance and are all cold', async () => {
    const { pool, pending, finishStarts } = harness({ instanceConcurrency: 3, maxInstances: 1 });
    const leases = [pool.acquire(), pool.acquire(), pool.acquire()];
    expect(pending).toHaveLength(1);
    await finishStarts();
    const got = await Promise.all(leases);
    expect(got.every((l) => l.startKind === 'cold')).toBe(true);
    expect(new Set(got.map((l) => l.instance.id)).size).toBe(1);
  });

  it('reaps instances idle longer than keep-alive, and the next cold start says keepalive-expired', async () => {
    const { pool, finishStarts, advanceMs } = harness({ keepAliveMs: 1000 });
    const first = pool.acquire();
    await finishStarts();
    (await first).release();
    advanceMs(999);
    pool.reap();
    expect(pool.stats().alive).toBe(1);
    advanceMs(2);
    pool.reap();
    expect(pool.stats().alive).toBe(0);
    const again = pool.acquire();
    await finishStarts();
    const lease = await again;
    expect(lease.startKind).toBe('cold');
    expect(lease.coldReason).toBe('keepalive-expired');
    const records = pool.records();
    expect(records[0]?.stopReason).toBe('keepalive');
  });

  it('never reaps provisioned instances and serves from them warm', async () => {
    const { pool, finishStarts, advanceMs } = harness({ provisioned: 1 });
    const ready = pool.startProvisioned();
    await finishStarts();
    await ready;
    advanceMs(60_000);
    pool.reap();
    expect(pool.stats().alive).toBe(1);
    const lease = await pool.acquire();
    expect(lease.startKind).toBe('warm');
  });

  it('a failed start fails the requests waiting for it and frees the slot', async () => {
    const { pool, pending } = harness({ maxInstances: 1 });
    const waiting = pool.acquire();
    pending.shift()?.reject(new Error('boom'));
    await expect(waiting).rejects.toThrow('boom');
    expect(pool.stats()).toMatchObject({ alive: 0, starting: 0 });
    expect(pool.records()[0]?.stopReason).toBe('start-failed');
  });

  it('records an OOM-killed instance and replaces a provisioned one', async () => {
    const { pool, pending, fakes, finishStarts } = harness({ provisioned: 1 });
    const ready = pool.startProvisioned();
    await finishStarts();
    await ready;
    fakes.get('i1')?.crash('oom-killed');
    await new Promise((r) => setImmediate(r));
    expect(pool.records().find((r) => r.id === 'i1')?.stopReason).toBe('oom-killed');
    expect(pending).toHaveLength(1);
  });

  it('an instance that accepts requests while it starts gets the cold requests at once; it is not warm, and their wait counts to its start', async () => {
    let accept: (() => void) | undefined;
    let started: ((instance: Instance) => void) | undefined;
    const fake = fakeInstance('i1');
    const { pool, advanceMs } = harness({
      maxInstances: 1,
      instanceConcurrency: 2,
      startInstance: (_id, _signal, onAccepting) =>
        new Promise<Instance>((resolve) => {
          accept = () => onAccepting(fake.instance);
          started = resolve;
        }),
    });
    const first = pool.acquire();
    advanceMs(1);
    accept?.();
    const a = await first;
    expect(a.startKind).toBe('cold');
    expect(a.started).toBeDefined();
    // A second request joins the start (concurrency 2): also cold, also at once; a third waits in the queue.
    const b = await pool.acquire();
    expect(b.startKind).toBe('cold');
    expect(pool.tryAcquireWarm()).toBeUndefined();
    const third = pool.acquire();
    expect(pool.stats()).toMatchObject({ starting: 1, alive: 0, queued: 1 });
    advanceMs(4);
    started?.(fake.instance);
    await a.started;
    // Waited from acquire to the start's end: 5 ms, though leased after 1 ms.
    expect(a.queueUs).toBe(5000);
    expect(pool.records()[0]?.readyAtMs).toBe(5);
    a.release();
    const c = await third;
    expect(c.startKind).toBe('warm');
    expect(c.started).toBeUndefined();
  });

  it('a request that rode a start that failed hears why', async () => {
    let fail: ((error: Error) => void) | undefined;
    const fake = fakeInstance('i1');
    const { pool } = harness({
      maxInstances: 1,
      startInstance: (_id, _signal, onAccepting) =>
        new Promise<Instance>((_resolve, reject) => {
          onAccepting(fake.instance);
          fail = reject;
        }),
    });
    const lease = await pool.acquire();
    fail?.(new Error('no _start'));
    await expect(lease.started).rejects.toThrow('no _start');
    expect(pool.records()[0]?.stopReason).toBe('start-failed');
  });
});
