import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureEngine } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { VERSION } from '../../src/util/version.js';
import type { RunResult } from '../../src/results/model.js';
import type { Variant } from '../../src/scenario/variant.js';
import { OWNER_LABEL } from '../../src/runtimes/owner.js';
import { formatOwner, OWNER_ID_LABEL } from '../../src/runtimes/ownerIdentity.js';

// A real one-node swarm on the test engine (advertise address on loopback), a real runner image, real tasks.
const SWARM = resolve(import.meta.dirname, '../../scripts/setup-swarm.sh');
const FOUR = 'test/data/cluster/four.yaml';
const CONTAINERS = 'test/data/cluster/containers.yaml';
const RUNNER = `coldlab:${VERSION}`;
let ready = false;
let initialised = false;

const swarmState = async (): Promise<string> => (await execa('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();

beforeAll(async () => {
  if (!(await ensureEngine())) return;
  initialised = (await swarmState()) === 'inactive';
  await execa('bash', [SWARM]);
  // Built once per checkout content and kept: later runs find it up to date in about a second.
  const image = await execa('node', ['bin/coldlab.mjs', 'image', 'build'], { reject: false, all: true });
  if (image.exitCode !== 0) throw new Error(`coldlab image build failed:\n${image.all}`);
  ready = true;
}, 300_000);

// Left as found: a swarm this test made is left again, one that was there stays.
afterAll(async () => {
  if (initialised) await execa('bash', [SWARM, 'leave']);
});

async function dryRunIds(file: string): Promise<string[]> {
  const io = captureIO();
  expect(await main(['run', file, '--dry-run', '--json'], io)).toBe(0);
  return (JSON.parse(io.stdout()) as Array<{ variants: Variant[] }>)[0]!.variants.map((v) => v.id);
}

function swarmRun(file: string, out: string, ...extra: string[]) {
  return execa('node', ['bin/coldlab.mjs', 'swarm', 'run', file, '-o', out, ...extra], { reject: false });
}

async function mergedResult(out: string): Promise<RunResult> {
  const [runDir] = await readdir(out);
  return JSON.parse(await readFile(join(out, runDir!, 'results.json'), 'utf8')) as RunResult;
}

async function leftovers(label: string): Promise<{ services: string; containers: string }> {
  const services = (await execa('docker', ['service', 'ls', '-q', '--filter', `label=${label}`])).stdout.trim();
  const containers = (await execa('docker', ['ps', '-aq', '--filter', `label=${label}`])).stdout.trim();
  return { services, containers };
}

// Starts a two-shard job and hands it over once one of its tasks runs (and `ready` says so); the output folder goes afterwards.
async function withRunningJob(use: (child: ReturnType<typeof swarmRun>, runDir: string) => Promise<void>, file = FOUR, ready: () => Promise<boolean> = async () => true): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'coldlab-swarm-'));
  try {
    const child = swarmRun(file, out, '--shards', '2');
    await waitFor(async () => ((await execa('docker', ['ps', '-q', '--filter', 'label=coldlab.kind=swarm-task', '--filter', 'status=running'])).stdout.trim() && (await ready()) ? true : undefined), 90_000, 250);
    const [runDir] = await readdir(out);
    await use(child, runDir!);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Containers (and images) whose owner label names a container this job ran as a task. */
async function ownedByTasks(tasks: readonly string[]): Promise<string[]> {
  const listed = await execa('docker', ['ps', '-a', '--filter', 'label=coldlab.owner', '--format', '{{.ID}} {{.Label "coldlab.owner"}}']);
  return listed.stdout.split('\n').filter((line) => tasks.some((id) => line.includes(`container:${id}`)));
}

describe('coldlab swarm run on a real one-node swarm', () => {
  it('2 and 4 shards: the merged variants equal the unsharded dry-run list, and nothing is left behind', async (t) => {
    if (!ready) return t.skip();
    const planned = await dryRunIds(FOUR);
    expect(planned).toHaveLength(4);
    const out = await mkdtemp(join(tmpdir(), 'coldlab-swarm-'));
    try {
      for (const [shards, extra] of [['2', []], ['4', ['--max-concurrent', '2']]] as const) {
        const dir = join(out, shards);
        const run = await swarmRun(FOUR, dir, '--shards', shards, ...extra);
        // 4 = a phase could not hold its rate on this shared host; the variants are all there either way.
        expect([0, 4], `${run.stdout}\n${run.stderr}`).toContain(run.exitCode);
        const merged = await mergedResult(dir);
        expect(merged.variants.map((v) => v.variant.id)).toEqual(planned);
        expect(merged.variants.every((v) => v.status !== 'failed')).toBe(true);
        expect(merged.sources).toHaveLength(Number(shards));
        expect(await leftovers(`coldlab.run=${merged.runId}`)).toEqual({ services: '', containers: '' });
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 400_000);

  // Each task's `coldlab run` sweeps the engine's leftovers first: it must judge owners it cannot see (this
  // test process, in the node's pid namespace; its own task) as alive, and start its instances on the node's engine.
  it('container variants as 2 shards through the node\'s engine: merged, and no container of a live owner removed', async (t) => {
    if (!ready) return t.skip();
    const planned = await dryRunIds(CONTAINERS);
    const out = await mkdtemp(join(tmpdir(), 'coldlab-swarm-'));
    const mine = { [OWNER_ID_LABEL]: formatOwner(), [OWNER_LABEL]: String(process.pid) };
    // One with this process's identity, one with a bare pid as coldlab wrote it before identities: both live.
    const live = await Promise.all([mine, { [OWNER_LABEL]: String(process.pid) }].map(async (owner) => {
      const labels = Object.entries({ coldlab: '1', 'coldlab.kind': 'instance', 'coldlab.run': 'swarm-test-live', ...owner }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      return (await execa('docker', ['create', ...labels, RUNNER, 'doctor'])).stdout.trim();
    }));
    try {
      const run = await swarmRun(CONTAINERS, out, '--shards', '2');
      expect([0, 4], `${run.stdout}\n${run.stderr}`).toContain(run.exitCode);
      const merged = await mergedResult(out);
      expect(merged.variants.map((v) => v.variant.id)).toEqual(planned);
      expect(merged.variants.every((v) => v.status !== 'failed' && v.instances.length > 0)).toBe(true);
      expect(merged.sources).toHaveLength(2);
      const still = (await execa('docker', ['ps', '-aq', '--no-trunc', '--filter', 'label=coldlab.run=swarm-test-live'])).stdout.trim().split('\n').sort();
      expect(still).toEqual([...live].sort());
      expect(await leftovers(`coldlab.run=${merged.runId}`)).toEqual({ services: '', containers: '' });
    } finally {
      await execa('docker', ['rm', '-f', ...live], { reject: false });
      await rm(out, { recursive: true, force: true });
    }
  }, 200_000);

  it('a shard whose run dies: exit 1, its variant failed with the task\'s cause, the other shard measured', async (t) => {
    if (!ready) return t.skip();
    const out = await mkdtemp(join(tmpdir(), 'coldlab-swarm-'));
    try {
      const run = await swarmRun('test/data/cluster/dies.yaml', out, '--shards', '2');
      expect(run.exitCode, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/shard 2\/2 failed: coldlab run was killed by SIGKILL/);
      const merged = await mergedResult(out);
      // Shard 1 measured (completed, or invalid when this shared host starved the sender); shard 2's variant failed.
      expect(merged.variants.map((v) => [v.variant.memoryMb, v.status === 'failed' ? 'failed' : 'measured'])).toEqual([[128, 'measured'], [256, 'failed']]);
      const failed = merged.variants[1]!;
      expect(failed.status === 'failed' && failed.error.message).toMatch(/killed by SIGKILL/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 200_000);

  it('Ctrl-C while a task runs removes the service, its tasks and their containers; exit 130', async (t) => {
    if (!ready) return t.skip();
    await withRunningJob(async (child, runDir) => {
      child.kill('SIGINT');
      const done = await child;
      expect(done.exitCode, done.stderr).toBe(130);
      expect(await leftovers(`coldlab.run=${runDir}`)).toEqual({ services: '', containers: '' });
      const tasks = await execa('docker', ['service', 'ps', `coldlab-${runDir}`], { reject: false });
      expect(tasks.stderr).toMatch(/no such service/i);
    });
  }, 200_000);

  it('Ctrl-C while a container shard has instances on the node\'s engine: they go too', async (t) => {
    if (!ready) return t.skip();
    const tasks: string[] = [];
    const instancesUp = async (): Promise<boolean> => {
      const running = (await execa('docker', ['ps', '-q', '--no-trunc', '--filter', 'label=coldlab.kind=swarm-task'])).stdout.trim().split('\n').filter(Boolean);
      tasks.splice(0, tasks.length, ...running);
      return (await ownedByTasks(running)).length > 0;
    };
    await withRunningJob(async (child, runDir) => {
      child.kill('SIGINT');
      const done = await child;
      expect(done.exitCode, done.stderr).toBe(130);
      expect(await leftovers(`coldlab.run=${runDir}`)).toEqual({ services: '', containers: '' });
      expect(await ownedByTasks(tasks)).toEqual([]);
    }, CONTAINERS, instancesUp);
  }, 200_000);

  it('a coldlab killed outright leaves its job; `doctor --cleanup` finds it by label and removes it', async (t) => {
    if (!ready) return t.skip();
    await withRunningJob(async (child, runDir) => {
      child.kill('SIGKILL');
      await child;
      // Another test's `doctor --cleanup` on this host may sweep it first: then it is gone all the same.
      const left = (await leftovers(`coldlab.run=${runDir}`)).services !== '';
      const doctor = await execa('node', ['bin/coldlab.mjs', 'doctor', '--cleanup', '--json'], { reject: false });
      const lines = JSON.parse(doctor.stdout) as Array<{ runtime: string; removed?: string[] }>;
      if (left) expect(lines.find((l) => l.runtime === 'swarm')?.removed).toContain(`swarm job coldlab-${runDir}`);
      expect(await leftovers(`coldlab.run=${runDir}`)).toEqual({ services: '', containers: '' });
    });
  }, 200_000);
});
