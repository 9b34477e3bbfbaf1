import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import type { FunctionSpec } from '../../src/scenario/variant.js';
import { ContainerRuntime, listOciRuntimes } from '../../src/runtimes/container/runtime.js';
import { docker } from '../../src/runtimes/container/docker.js';
import { ColdlabError } from '../../src/util/errors.js';
import { containerVariant, ensureEngine } from '../helpers/docker.js';

// Existing images named by a scenario, a missing image, and the OCI runtime as a variant, on the real engine.
const hello: FunctionSpec = { path: resolve(import.meta.dirname, '../../fixtures/functions/hello.mjs'), handler: 'handler', env: {} };
const runId = `cimg-${process.pid}-${Date.now().toString(36)}`;
const runtime = new ContainerRuntime();
let available = false;
let n = 0;
const ctx = () => ({ instanceId: `i${++n}`, runId });

beforeAll(async () => {
  available = await ensureEngine();
});

afterAll(async () => {
  if (available) await runtime.dispose(runId);
});

describe('container images and OCI runtimes', () => {
  it('starts an existing local image from { image, port } and serves through it', async (t) => {
    if (!available) return t.skip();
    // Any image that serves HTTP will do; the hello function's own image is one at hand without internet.
    const prepared = await runtime.prepare(hello, containerVariant(), runId);
    const image = String(prepared.data.image);
    const env = { COLDLAB_FN_PATH: String(prepared.data.fnPath), COLDLAB_HOST: '0.0.0.0', COLDLAB_PORT: '9000' };
    const instance = await runtime.startImage({ image, port: 9000, env, memoryMb: 96 }, ctx());
    const response = await fetch(`${instance.url}/?name=image`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ hello: 'image' });
    expect(instance.start.createMs).toBeGreaterThan(0);
    expect(instance.start.totalMs).toBeGreaterThanOrEqual(instance.start.createMs ?? 0);
    const info = await (await docker()).getContainer(containerId(instance)).inspect();
    expect(info.HostConfig.Memory).toBe(96 * 1024 * 1024);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.Config.Labels).toMatchObject({ 'coldlab.run': runId });
    await instance.stop();
  });

  it('says clearly that an image name does not exist', async (t) => {
    if (!available) return t.skip();
    const error = await runtime.startImage({ image: 'coldlab/no-such-image:missing', port: 8080 }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColdlabError);
    expect((error as ColdlabError).code).toBe('IMAGE_NOT_FOUND');
    expect((error as ColdlabError).message).toContain('coldlab/no-such-image:missing');
    expect((error as ColdlabError).hint).toMatch(/docker images/);
  });

  it('says clearly that a function image names an unknown OCI runtime', async (t) => {
    if (!available) return t.skip();
    const prepared = await runtime.prepare(hello, containerVariant(), runId);
    const error = await runtime.start({ ...prepared, data: { ...prepared.data, ociRuntime: 'no-such-oci' } }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColdlabError);
    expect((error as ColdlabError).hint).toContain('no-such-oci');
  });

  it('runs the function under each OCI runtime the engine offers (runc, crun)', async (t) => {
    if (!available) return t.skip();
    const runtimes = await listOciRuntimes();
    expect(runtimes).toContain('runc');
    // scripts/setup-docker.sh registers crun; CI must exercise it, elsewhere an engine may lack it.
    if (process.env.CI === 'true') expect(runtimes).toContain('crun');
    const prepared = await runtime.prepare(hello, containerVariant(), runId);
    for (const oci of runtimes) {
      const instance = await runtime.start({ ...prepared, data: { ...prepared.data, ociRuntime: oci } }, ctx());
      expect((await fetch(instance.url)).status).toBe(200);
      const info = await (await docker()).getContainer(containerId(instance)).inspect();
      expect(info.HostConfig.Runtime).toBe(oci);
      expect(instance.notes).toContain(`OCI runtime ${oci}`);
      await instance.stop();
    }
  });
});

function containerId(instance: object): string {
  const id = (instance as { containerId?: unknown }).containerId;
  if (typeof id !== 'string') throw new Error('not a container instance');
  return id;
}
