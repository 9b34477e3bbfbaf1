import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults } from '../../src/results/store.js';
import { waitFor } from '../helpers/wait.js';

// Real CLI, real signals: Ctrl-C and a hard crash of coldlab must leave no instance process behind.
async function bootstrapPids(): Promise<number[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args=']);
  const candidates = stdout
    .split('\n')
    .filter((l) => l.includes('runners/node/bootstrap.mjs'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
  const ours: number[] = [];
  for (const pid of candidates) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.includes('COLDLAB_TEST_MARKER=long-run-marker')) ours.push(pid);
  }
  return ours;
}

// A copy of the long scenario whose function leaves a marker file at its first request, so the test
// interrupts a run whose load has begun (on a busy host the phase starts seconds after the instances).
async function longScenario(out: string): Promise<{ file: string; served: string }> {
  const served = join(out, 'served');
  await writeFile(
    join(out, 'fn.mjs'),
    "import { writeFileSync } from 'node:fs';\nlet marked = false;\nexport const handler = () => { if (!marked) { marked = true; writeFileSync(process.env.SERVED_MARKER, ''); } return 'ok'; };\n",
  );
  const yaml = (await readFile('test/data/runs/long.yaml', 'utf8'))
    .replace('path: ../../../fixtures/functions/hello.mjs', `path: ${join(out, 'fn.mjs')}\n  env: { SERVED_MARKER: ${JSON.stringify(served)} }`);
  const file = join(out, 'long.yaml');
  await writeFile(file, yaml);
  return { file, served };
}

function startRun(file: string, out: string) {
  // The marker in the environment lets the test find exactly the instances of this run in `ps`.
  return execa('node', ['bin/coldlab.mjs', 'run', file, '--out', out, '--quiet'], {
    reject: false,
    env: { COLDLAB_TEST_MARKER: 'long-run-marker' },
  });
}

describe('interrupting a run', () => {
  it('Ctrl-C stops every instance and keeps the results gathered so far, marked incomplete', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-int-'));
    const { file, served } = await longScenario(out);
    const child = startRun(file, join(out, 'runs'));
    await waitFor(async () => ((await bootstrapPids()).length >= 2 ? true : undefined), 30_000);
    await waitFor(() => access(served).then(() => true, () => undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode).toBe(130);
    expect(await bootstrapPids()).toEqual([]);
    const [runDir] = await readdir(join(out, 'runs'));
    const result = await readResults(join(out, 'runs', runDir!, 'results.json'));
    expect(result.complete).toBe(false);
    expect(result.variants[0]?.phases[0]?.sent).toBeGreaterThan(0);
    await rm(out, { recursive: true, force: true });
  });

  it('a hard crash of coldlab (SIGKILL) leaves no instance process behind, and its cgroups go with `doctor --cleanup`', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-kill-'));
    const child = startRun('test/data/runs/long.yaml', out);
    await waitFor(async () => ((await bootstrapPids()).length >= 2 ? true : undefined), 30_000);
    child.kill('SIGKILL');
    await child;
    await waitFor(async () => ((await bootstrapPids()).length === 0 ? true : undefined), 10_000);
    // Its cgroups (named after its pid) outlive it where limits were enforced; cleanup finds them by that pid.
    const doctor = await execa('node', ['bin/coldlab.mjs', 'doctor', '--cleanup', '--json'], { reject: false });
    expect(doctor.exitCode, doctor.stderr).toBe(0);
    const lines = JSON.parse(doctor.stdout) as Array<{ runtime: string; removed?: string[] }>;
    const removed = lines.find((l) => l.runtime === 'process')?.removed ?? [];
    // As root the groups were made (limits enforced), so some of them are this killed run's.
    // Named coldlab-p<pid>n<pid namespace>-… (src/runtimes/ownerIdentity.ts).
    const ofKilled = new RegExp(`coldlab-p${child.pid ?? 0}(n\\d+)?-`);
    if (process.getuid?.() === 0) expect(removed.some((dir) => ofKilled.test(dir)), removed.join(', ')).toBe(true);
    const again = await execa('node', ['bin/coldlab.mjs', 'doctor', '--cleanup', '--json'], { reject: false });
    const left = (JSON.parse(again.stdout) as Array<{ runtime: string; removed?: string[] }>).find((l) => l.runtime === 'process')?.removed ?? [];
    expect(left).toEqual([]);
    await rm(out, { recursive: true, force: true });
  });
});
