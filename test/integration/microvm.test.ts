import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { MicrovmRuntime } from '../../src/runtimes/microvm/runtime.js';
import { coldlabQemus } from '../../src/runtimes/microvm/leftovers.js';
import type { FunctionSpec, Variant } from '../../src/scenario/variant.js';
import { ColdlabError } from '../../src/util/errors.js';
import { residentFraction } from '../../src/runtimes/process/pageCache.js';
import { type WorkingSet, workingSetBytes } from '../../src/runtimes/microvm/workingSet.js';

// Real QEMU guests (TCG here, KVM where it works): boot, restore from a snapshot, a crash and a hang at start.
// The guest image is built once per machine and cached by content hash, so only the first run pays for it.
const runtime = new MicrovmRuntime();
const runId = `vmtest-${process.pid}`;
const fn = (file: string): FunctionSpec => ({ path: resolve('test/data/functions/microvm', file), handler: 'handler', env: {} });
const variant = (over: Partial<Variant> = {}): Variant => ({
  key: `microvm-test/${over.microvmStart ?? 'boot'}`,
  id: 'microvm-test#1',
  repetition: 1,
  runtime: 'microvm',
  memoryMb: 256,
  provisionedConcurrency: 0,
  prewarm: true,
  keepAliveMs: 60_000,
  instanceConcurrency: 1,
  maxInstances: 2,
  cpus: 1,
  phases: [],
  requestTimeoutMs: 5000,
  ...over,
});
const ourQemus = async (): Promise<number[]> => (await coldlabQemus()).filter((q) => q.owner === process.pid).map((q) => q.pid);
const json = async (url: string): Promise<{ now: number; random: number }> => (await (await fetch(url)).json()) as { now: number; random: number };

afterAll(async () => {
  await runtime.dispose(runId);
  expect(await ourQemus()).toEqual([]);
});

describe('microvm runtime (real QEMU)', () => {
  it('probes QEMU and names the accelerator it will use', async () => {
    const probe = await runtime.probe();
    expect(probe.usable, JSON.stringify(probe)).toBe(true);
    if (probe.usable) expect(['kvm', 'tcg']).toContain(probe.facts?.accelerator);
  }, 120_000);

  it('boots a guest that serves the function, reports its own meminfo and QEMU\'s RSS, and is gone after stop', async () => {
    const prepared = await runtime.prepare(fn('now.mjs'), variant(), runId);
    const instance = await runtime.start(prepared, { instanceId: 'b1', runId });
    expect(instance.start.initMs).toBeGreaterThan(0);
    const answer = await json(`${instance.url}/`);
    expect(Math.abs(answer.now - Date.now())).toBeLessThan(5000);
    const memory = await instance.sandboxMemory?.();
    // MemTotal is the guest's RAM (-m 256) less what the kernel keeps for itself.
    expect(memory?.guest?.memTotalKb).toBeGreaterThan(150 * 1024);
    expect(memory?.guest?.memTotalKb).toBeLessThanOrEqual(256 * 1024);
    expect(memory?.guest?.memAvailableKb).toBeGreaterThan(0);
    expect(memory?.hostRssBytes).toBeGreaterThan(0);
    await instance.stop();
    expect(await instance.exited).toMatchObject({ reason: 'stopped' });
    expect(await ourQemus()).toEqual([]);
  }, 300_000);

  it('restores instances from a snapshot: clock corrected, random state shared, as the notes say', async () => {
    const prepared = await runtime.prepare(fn('now.mjs'), variant({ microvmStart: 'restore' }), runId);
    expect(prepared.notes.join(' ')).toMatch(/random state/);
    // The snapshot ages past the tolerance below: a guest that served its saved time would fail the check.
    await new Promise((done) => setTimeout(done, 5000));
    const [a, b] = [await runtime.start(prepared, { instanceId: 'r1', runId }), await runtime.start(prepared, { instanceId: 'r2', runId })];
    expect(a?.start.initMs).toBeUndefined();
    const [fromA, fromB] = [await json(`${a!.url}/`), await json(`${b!.url}/`)];
    // Both resumed the same guest: the same Math.random state gives the same first number.
    expect(fromA.random).toBe(fromB.random);
    // The first request each instance serves already sees the host's time (the RTC's second, so up to 1 s behind).
    for (const answer of [fromA, fromB]) expect(Math.abs(answer.now - Date.now())).toBeLessThan(2500);
    expect(a!.notes.join(' ')).not.toMatch(/did not confirm its clock/);
    await Promise.all([a!.stop(), b!.stop()]);
    expect(await ourQemus()).toEqual([]);
  }, 300_000);

  it('lazy-restores an instance: RAM mapped from the template\'s file, clock corrected, gone after stop', async () => {
    const prepared = await runtime.prepare(fn('now.mjs'), variant({ microvmStart: 'lazy-restore' }), runId);
    expect(prepared.notes.join(' ')).toMatch(/lazy restore/);
    await new Promise((done) => setTimeout(done, 5000));
    const instance = await runtime.start(prepared, { instanceId: 'l1', runId });
    expect(instance.start.initMs).toBeUndefined();
    const answer = await json(`${instance.url}/`);
    expect(Math.abs(answer.now - Date.now())).toBeLessThan(2500);
    await instance.stop();
    expect(await ourQemus()).toEqual([]);
  }, 300_000);

  it('lazy-restores with prefetch: the working set recorded at prepare is a small part of the RAM, read ahead at each start', async () => {
    const prepared = await runtime.prepare(fn('now.mjs'), variant({ microvmStart: 'lazy-restore-prefetch' }), runId);
    const set = (prepared.data as { lazy?: { workingSet?: WorkingSet } }).lazy?.workingSet;
    // Some pages (the guest ran the function's route), far from all 256 MB of them.
    expect(set?.pages).toBeGreaterThan(16);
    expect(workingSetBytes(set!)).toBeLessThan(256 * 1048576 * 0.75);
    expect(prepared.notes.join(' ')).toMatch(/read into the page cache at each start/);
    // The recording's own instance is gone.
    expect(await ourQemus()).toEqual([]);
    const instance = await runtime.start(prepared, { instanceId: 'lp1', runId });
    const answer = await json(`${instance.url}/`);
    expect(Math.abs(answer.now - Date.now())).toBeLessThan(2500);
    expect(instance.notes.join(' ')).not.toMatch(/could not be read ahead/);
    await instance.stop();
    expect(await ourQemus()).toEqual([]);
  }, 300_000);

  it('a variant with prewarm on finds the guest files cached after one with prewarm off evicted the ones they share', async () => {
    const cold = await runtime.prepare(fn('now.mjs'), variant({ prewarm: false }), runId);
    const kernel = (cold.data as { files: string[] }).files[0]!;
    expect(cold.notes.join(' ')).toMatch(/evicted from the page cache/);
    expect(await residentFraction(kernel)).toBeLessThan(0.5);
    const warm = await runtime.prepare(fn('now.mjs'), variant({ prewarm: true }), runId);
    expect((warm.data as { files: string[] }).files[0]).toBe(kernel);
    expect(await residentFraction(kernel)).toBeGreaterThan(0.9);
  }, 120_000);

  it('a guest whose function throws at import is a failed start carrying the console tail', async () => {
    const prepared = await runtime.prepare(fn('throws.mjs'), variant(), runId);
    const error = await runtime.start(prepared, { instanceId: 'x1', runId }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ColdlabError);
    expect((error as ColdlabError).code).toBe('MICROVM_EXITED');
    expect((error as ColdlabError).message).toMatch(/init failed on purpose/);
    expect(await ourQemus()).toEqual([]);
  }, 300_000);

  it('a guest that never answers is killed at the start timeout and reported with its console', async () => {
    const prepared = await runtime.prepare(fn('hangs.mjs'), variant(), runId);
    process.env.COLDLAB_MICROVM_START_TIMEOUT_MS = '8000';
    try {
      const error = await runtime.start(prepared, { instanceId: 'h1', runId }).then(() => undefined, (e: unknown) => e);
      expect((error as ColdlabError).code).toBe('MICROVM_START_TIMEOUT');
      expect((error as ColdlabError).message).toMatch(/did not answer within 8 s/);
    } finally {
      delete process.env.COLDLAB_MICROVM_START_TIMEOUT_MS;
    }
    expect(await ourQemus()).toEqual([]);
  }, 300_000);
});
