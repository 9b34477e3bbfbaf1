import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FunctionSpec } from '../../src/scenario/variant.js';
import type { Instance } from '../../src/runtimes/types.js';
import { ContainerRuntime, listOciRuntimes } from '../../src/runtimes/container/runtime.js';
import { docker } from '../../src/runtimes/container/docker.js';
import { ColdlabError } from '../../src/util/errors.js';
import { containerVariant, ensureEngine } from '../helpers/docker.js';

// Real engine, real loopback registry: what a container cold start does, not how fast it is.
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/functions');
const fn = (file: string): FunctionSpec => ({ path: join(FIXTURES, file), handler: 'handler', env: { GREETING: 'hi' } });
const runId = `ctest-${process.pid}-${Date.now().toString(36)}`;
const runtime = new ContainerRuntime();
let available = false;
let scratch = '';
let n = 0;
const ctx = () => ({ instanceId: `i${++n}`, runId });

beforeAll(async () => {
  available = await ensureEngine();
  scratch = await mkdtemp(join(tmpdir(), 'coldlab-ctest-'));
});

afterAll(async () => {
  if (available) await runtime.dispose(runId);
  await rm(scratch, { recursive: true, force: true });
});

describe('container runtime on a real engine', () => {
  it('probe names the engine and its OCI runtimes', async (t) => {
    if (!available) return t.skip();
    const probe = await runtime.probe();
    expect(probe.usable).toBe(true);
    expect(await listOciRuntimes()).toContain('runc');
  });

  it('serves the hello function from a least-privilege container', async (t) => {
    if (!available) return t.skip();
    const prepared = await runtime.prepare(fn('hello.mjs'), containerVariant({ memoryMb: 128, cpus: 0.5 }), runId);
    // Prewarm on: one container was started and removed at prepare, off the record.
    expect(prepared.notes.join(' ')).toMatch(/started and removed before the variant, off the record/);
    const instance = await runtime.start(prepared, ctx());
    const response = await fetch(`${instance.url}/?name=box`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ hello: 'box' });
    expect(instance.start.fetchMs).toBeUndefined();
    expect(instance.start.totalMs).toBeGreaterThan(0);
    expect(instance.start.initMs).toBeGreaterThan(0);
    expect(instance.limitsEnforced).toBe(true);
    const cgroupDir = instance.cgroup?.paths.memory ?? instance.cgroup?.paths.unified ?? '';
    expect(cgroupDir).toContain(instanceIdOf(instance));
    // The kernel's own view of the limit, where the metrics sampler will read usage.
    const limitFile = instance.cgroup?.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
    expect(Number(await readFile(join(cgroupDir, limitFile), 'utf8'))).toBe(128 * 1024 * 1024);
    const info = await (await docker()).getContainer(instanceIdOf(instance)).inspect();
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.MemorySwap).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.PidsLimit).toBeGreaterThan(0);
    expect(info.Config.User).toBe('65534:65534');
    expect(info.Config.Labels).toMatchObject({ coldlab: '1', 'coldlab.run': runId });
    const bindings = info.NetworkSettings.Ports['8080/tcp'] ?? [];
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) expect(b.HostIp).toBe('127.0.0.1');
    await instance.stop();
    expect((await instance.exited).reason).toBe('stopped');
  });

  it('pulls from the loopback registry only when prewarm is off', async (t) => {
    if (!available) return t.skip();
    const cold = await runtime.prepare(fn('hello.mjs'), containerVariant({ prewarm: false }), runId);
    const image = String(cold.data.image);
    expect(image).toMatch(/^127\.0\.0\.1:\d+\//);
    const instance = await runtime.start(cold, ctx());
    expect(instance.start.fetchMs).toBeGreaterThan(0);
    expect(instance.start.totalMs).toBeGreaterThan(instance.start.fetchMs ?? 0);
    const info = await (await docker()).getContainer(instanceIdOf(instance)).inspect();
    expect(info.Config.Image).toBe(image);
    expect((await fetch(instance.url)).status).toBe(200);
    await instance.stop();
    const warm = await runtime.start(await runtime.prepare(fn('hello.mjs'), containerVariant({ prewarm: true }), runId), ctx());
    expect(warm.start.fetchMs).toBeUndefined();
    await warm.stop();
  });

  it('reports an out-of-memory kill as oom-killed', async (t) => {
    if (!available) return t.skip();
    const prepared = await runtime.prepare(fn('memory-hungry.mjs'), containerVariant({ memoryMb: 64 }), runId);
    const instance = await runtime.start(prepared, ctx());
    await fetch(`${instance.url}/?mb=256`).catch(() => undefined);
    const exit = await instance.exited;
    expect(exit.reason).toBe('oom-killed');
  });

  it('gives a clear error for a function that throws at import, and removes its container', async (t) => {
    if (!available) return t.skip();
    const dir = join(scratch, 'throws');
    await writeFileIn(dir, 'index.mjs', "throw new Error('boom at import');\nexport const handler = () => 1;\n");
    const prepared = await runtime.prepare({ path: join(dir, 'index.mjs'), handler: 'handler', env: {} }, containerVariant(), runId);
    const error = await runtime.start(prepared, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColdlabError);
    // The bootstrap's own error comes out of the container's log: the module, the exception and its frame.
    expect((error as ColdlabError).code).toBe('FUNCTION_INIT_FAILED');
    expect((error as ColdlabError).message).toContain('boom at import');
    expect((error as ColdlabError).message).toContain('index.mjs');
    expect(await runContainers()).toBe(0);
  });

  it('gives a clear error for a function that never answers', async (t) => {
    if (!available) return t.skip();
    const dir = join(scratch, 'hangs');
    await writeFileIn(dir, 'index.mjs', "await new Promise(() => setInterval(() => {}, 1000));\nexport const handler = () => 1;\n");
    const prepared = await runtime.prepare({ path: join(dir, 'index.mjs'), handler: 'handler', env: {} }, containerVariant(), runId);
    prepared.data.startTimeoutMs = 3000;
    const error = await runtime.start(prepared, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColdlabError);
    expect((error as ColdlabError).code).toBe('INSTANCE_START_TIMEOUT');
    expect(await runContainers()).toBe(0);
  });

  it('leaves no container, image tag or registry of the run after dispose', async (t) => {
    if (!available) return t.skip();
    const prepared = await runtime.prepare(fn('hello.mjs'), containerVariant({ prewarm: false }), runId);
    await runtime.start(prepared, ctx());
    await runtime.dispose(runId);
    const d = await docker();
    const filters = JSON.stringify({ label: [`coldlab.run=${runId}`] });
    expect(await d.listContainers({ all: true, filters })).toHaveLength(0);
    expect(await d.listImages({ all: true, filters })).toHaveLength(0);
    await expect(fetch(`http://${String(prepared.data.image).split('/')[0]}/v2/`)).rejects.toThrow();
  });
});

function instanceIdOf(instance: Instance): string {
  const id = (instance as { containerId?: unknown }).containerId;
  if (typeof id !== 'string') throw new Error('not a container instance');
  return id;
}

async function writeFileIn(dir: string, file: string, text: string): Promise<void> {
  await (await import('node:fs/promises')).mkdir(dir, { recursive: true });
  await writeFile(join(dir, file), text);
}

async function runContainers(): Promise<number> {
  const filters = JSON.stringify({ label: [`coldlab.run=${runId}`] });
  return (await (await docker()).listContainers({ all: true, filters })).length;
}
