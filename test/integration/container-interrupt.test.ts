import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../../src/runtimes/container/docker.js';
import { readResults } from '../../src/results/store.js';
import { ensureEngine } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait.js';

// A coldlab killed with SIGKILL cannot clean up: its containers outlive it until `coldlab doctor --cleanup` or the next run.
let available = false;

beforeAll(async () => {
  available = await ensureEngine();
});

async function labelled(label: string): Promise<{ containers: Array<{ name: string; runId: string; running: boolean }>; images: string[] }> {
  const d = await docker();
  const filters = JSON.stringify({ label: [label] });
  const containers = (await d.listContainers({ all: true, filters })).map((c) => ({ name: c.Names[0] ?? c.Id, runId: c.Labels['coldlab.run'] ?? '', running: c.State === 'running' }));
  const images = (await d.listImages({ all: true, filters })).flatMap((i) => i.RepoTags ?? [i.Id]);
  return { containers, images };
}

/** Starts a long container run, kills it with SIGKILL once two containers run, and returns what it left. */
async function killMidRun(out: string): Promise<{ runId: string; containers: Array<{ name: string }> }> {
  const child = execa('node', ['bin/coldlab.mjs', 'run', 'test/data/runs/container-long.yaml', '--out', out, '--quiet'], { reject: false });
  const owner = `coldlab.pid=${child.pid ?? 0}`;
  try {
    // Two provisioned containers running: the run is under way.
    const runId = await waitFor(async () => {
      const { containers } = await labelled(owner);
      return containers.filter((c) => c.running).length >= 2 ? containers[0]?.runId : undefined;
    }, 90_000);
    child.kill('SIGKILL');
    await child;
    const left = await labelled(`coldlab.run=${runId}`);
    expect(left.containers.length).toBeGreaterThanOrEqual(2);
    return { runId, containers: left.containers };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('Ctrl-C on the container runtime', () => {
  it('stops and removes every container and image tag of the run, and keeps the results, marked incomplete', async (t) => {
    if (!available) return t.skip();
    const out = await mkdtemp(join(tmpdir(), 'coldlab-cint-'));
    const child = execa('node', ['bin/coldlab.mjs', 'run', 'test/data/runs/container-long.yaml', '--out', out, '--quiet'], { reject: false });
    try {
      const owner = `coldlab.pid=${child.pid ?? 0}`;
      const runId = await waitFor(async () => {
        const { containers } = await labelled(owner);
        return containers.filter((c) => c.running).length >= 2 ? containers[0]?.runId : undefined;
      }, 90_000);
      child.kill('SIGINT');
      const done = await child;
      expect(done.exitCode, done.stderr).toBe(130);
      expect(await labelled(`coldlab.run=${runId}`)).toEqual({ containers: [], images: [] });
      const [runDir] = await readdir(out);
      const result = await readResults(join(out, runDir ?? '', 'results.json'));
      expect(result.complete).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await rm(out, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('a killed coldlab on the container runtime', () => {
  it('leaves containers that `coldlab doctor --cleanup` removes', async (t) => {
    if (!available) return t.skip();
    const out = await mkdtemp(join(tmpdir(), 'coldlab-ckill-'));
    try {
      const left = await killMidRun(out);
      const doctor = await execa('node', ['bin/coldlab.mjs', 'doctor', '--cleanup', '--json'], { reject: false });
      expect(doctor.exitCode, doctor.stderr).toBe(0);
      const lines = JSON.parse(doctor.stdout) as Array<{ runtime: string; removed?: string[] }>;
      const removed = lines.find((l) => l.runtime === 'container')?.removed ?? [];
      for (const c of left.containers) expect(removed).toContain(`container ${c.name.replace(/^\//, '')}`);
      expect(await labelled(`coldlab.run=${left.runId}`)).toEqual({ containers: [], images: [] });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 150_000);

  it('leaves containers that the next container run removes before it starts, and says so', async (t) => {
    if (!available) return t.skip();
    const out = await mkdtemp(join(tmpdir(), 'coldlab-ckill-'));
    try {
      const left = await killMidRun(out);
      const next = await execa('node', ['bin/coldlab.mjs', 'run', 'test/data/runs/container-long.yaml', '--out', out, '--dry-run'], { reject: false });
      expect(next.exitCode).toBe(0); // a dry run starts nothing, so it sweeps nothing either
      expect((await labelled(`coldlab.run=${left.runId}`)).containers.length).toBe(left.containers.length);
      const run = await execa('node', ['bin/coldlab.mjs', 'run', 'test/data/runs/container-quick.yaml', '--out', out, '--quiet'], { reject: false });
      expect(run.stderr).toMatch(/removed \d+ leftover\(s\) of an earlier container run/);
      for (const c of left.containers) expect(run.stderr).toContain(`container ${c.name.replace(/^\//, '')}`);
      expect(await labelled(`coldlab.run=${left.runId}`)).toEqual({ containers: [], images: [] });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 200_000);
});
