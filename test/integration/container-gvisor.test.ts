import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readResults } from '../../src/results/store.js';
import type { Instance } from '../../src/runtimes/types.js';
import { ContainerRuntime, listOciRuntimes } from '../../src/runtimes/container/runtime.js';
import { docker } from '../../src/runtimes/container/docker.js';
import { captureIO } from '../helpers/io.js';
import { containerVariant, ensureEngine } from '../helpers/docker.js';

// gVisor (runsc) as an OCI runtime of the real engine: that the function really runs on gVisor's kernel, and
// that limits, metrics, least privilege and cleanup hold there as they do for runc. Not how fast (bench/).
const runId = `gvtest-${process.pid}-${Date.now().toString(36)}`;
const runtime = new ContainerRuntime();
let available = false;
let scratch = '';
let n = 0;
const ctx = () => ({ instanceId: `g${++n}`, runId });

// Reports what the sandbox shows the function: who it runs as, its capabilities and the kernel it talks to.
const WHOAMI = `import { readFileSync } from 'node:fs';
export async function handler() {
  const capEff = /CapEff:\\s*(\\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return { statusCode: 200, body: JSON.stringify({ uid: process.getuid(), gid: process.getgid(), capEff, kernel: readFileSync('/proc/version', 'utf8') }) };
}
`;

function containerIdOf(instance: Instance): string {
  const id = (instance as { containerId?: unknown }).containerId;
  if (typeof id !== 'string') throw new Error('not a container instance');
  return id;
}

/** Host processes whose command line names the container: runsc's sandbox and gofer while it lives. */
async function processesOf(containerId: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(containerId)) found.push(cmdline.split('\0')[0] ?? pid);
  }
  return found;
}

beforeAll(async () => {
  available = await ensureEngine();
  if (available && !(await listOciRuntimes()).includes('runsc')) {
    // scripts/setup-docker.sh installs and registers runsc: CI must run these tests, elsewhere an engine may lack it.
    if (process.env.CI === 'true') throw new Error('the engine has no runsc runtime: run `bash scripts/setup-docker.sh` as root');
    console.warn('skipping gVisor tests: the engine has no runsc runtime (bash scripts/setup-docker.sh registers it)');
    available = false;
  }
  scratch = await mkdtemp(join(tmpdir(), 'coldlab-gvtest-'));
});

afterAll(async () => {
  if (available) await runtime.dispose(runId);
  await rm(scratch, { recursive: true, force: true });
});

describe('gVisor (runsc) as an OCI runtime', () => {
  it("runs the function on gVisor's kernel, least privileged, with the platform recorded and the limits in its cgroup", async (t) => {
    if (!available) return t.skip();
    await mkdir(join(scratch, 'whoami'), { recursive: true });
    await writeFile(join(scratch, 'whoami', 'index.mjs'), WHOAMI);
    const prepared = await runtime.prepare({ path: join(scratch, 'whoami', 'index.mjs'), handler: 'handler', env: {} }, containerVariant({ memoryMb: 128, cpus: 0.5, ociRuntime: 'runsc' }), runId);
    const engineArgs = ((await (await docker()).info()) as { Runtimes: Record<string, { runtimeArgs?: string[] }> }).Runtimes.runsc?.runtimeArgs ?? [];
    const platform = prepared.sandbox?.['gvisor.platform'];
    expect(prepared.sandbox?.sandbox).toBe('gvisor');
    expect(['ptrace', 'kvm', 'systrap']).toContain(platform);
    expect(engineArgs.includes(`--platform=${platform}`) || (platform === 'ptrace' && !engineArgs.some((a) => a.includes('platform')))).toBe(true);
    expect(prepared.notes.join('\n')).toContain(`platform ${platform}`);

    const instance = await runtime.start(prepared, ctx());
    const seen = (await (await fetch(instance.url)).json()) as { uid: number; gid: number; capEff: string; kernel: string };
    // gVisor answers /proc/version itself; runc would show the host's kernel release.
    expect(seen.kernel).not.toContain(release());
    expect(seen).toMatchObject({ uid: 65534, gid: 65534, capEff: '0000000000000000' });
    const info = await (await docker()).getContainer(containerIdOf(instance)).inspect();
    expect(info.HostConfig.Runtime).toBe('runsc');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');

    // runsc puts its sandbox (sentry and gofer) in the container's cgroup: the limit is the kernel's, the figures the sandbox's.
    const cgroup = instance.cgroup;
    expect(cgroup).not.toBeNull();
    const memoryDir = cgroup?.paths.memory ?? cgroup?.paths.unified ?? '';
    const limitFile = cgroup?.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
    const usageFile = cgroup?.version === 2 ? 'memory.current' : 'memory.usage_in_bytes';
    expect(Number(await readFile(join(memoryDir, limitFile), 'utf8'))).toBe(128 * 1024 * 1024);
    expect(Number(await readFile(join(memoryDir, usageFile), 'utf8'))).toBeGreaterThan(1024 * 1024);
    const members = (await readFile(join(memoryDir, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean);
    const commands = await Promise.all(members.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    expect(commands.some((c) => c.startsWith('runsc-sandbox'))).toBe(true);

    const id = containerIdOf(instance);
    expect((await processesOf(id)).length).toBeGreaterThan(0);
    await instance.stop();
    expect((await instance.exited).reason).toBe('stopped');
    expect(await processesOf(id)).toEqual([]);
  });

  it('reports an out-of-memory kill inside gVisor as oom-killed and leaves no sandbox process behind', async (t) => {
    if (!available) return t.skip();
    const prepared = await runtime.prepare({ path: resolve('fixtures/functions/memory-hungry.mjs'), handler: 'handler', env: {} }, containerVariant({ memoryMb: 64, ociRuntime: 'runsc' }), runId);
    const instance = await runtime.start(prepared, ctx());
    const id = containerIdOf(instance);
    await fetch(`${instance.url}/?mb=256`).catch(() => undefined);
    expect((await instance.exited).reason).toBe('oom-killed');
    expect(await processesOf(id)).toEqual([]);
  });

  it("records the platform in results and samples the sandbox's cgroup through a whole lab run", async (t) => {
    if (!available) return t.skip();
    const io = captureIO();
    const code = await main(['run', 'test/data/runs/gvisor-lab.yaml', '--out', scratch, '--json'], io);
    const line = io.stdout().trim().split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`no run output; stderr:\n${io.stderr()}`);
    // 4 (invalid) would mean the host starved the load generator: a verdict on the machine, not on gVisor.
    expect([0, 4], io.stderr()).toContain(code);
    const result = await readResults((JSON.parse(line) as { results: string }).results);
    const [v] = result.variants;
    expect(v?.status).not.toBe('failed');
    expect(v?.variant.ociRuntime).toBe('runsc');
    expect(v?.sandbox).toMatchObject({ sandbox: 'gvisor', 'gvisor.platform': expect.any(String) });
    const started = v?.instances.filter((i) => i.start) ?? [];
    expect(started.length).toBe(1);
    expect(started[0]?.peakMemoryBytes).toBeGreaterThan(1024 * 1024);
    expect(started[0]?.cpuUsageUs).toBeGreaterThan(0);
    expect(v?.phases.find((p) => p.name === 'warm')?.latency.warm?.corrected.count).toBeGreaterThan(0);
    const d = await docker();
    const leftovers = await d.listContainers({ all: true, filters: JSON.stringify({ label: [`coldlab.run=${JSON.parse(line).runId as string}`] }) });
    expect(leftovers).toHaveLength(0);
  });
});
