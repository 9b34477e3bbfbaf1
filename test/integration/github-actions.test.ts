import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readJob, runJob, type JobContext } from '../helpers/workflowRunner.js';

// examples/github-actions.yml as a user copies it: validated against GitHub's workflow schema (action-validator,
// offline), then its shell steps run as written in a project folder outside the repository, with coldlab
// installed from a packed tarball (the README's way) and the GITHUB_* files set, through three events:
// a pull request before any baseline, a push to main that records one, pull requests gated against it.
const REPO = resolve(import.meta.dirname, '../..');
const WORKFLOW = join(REPO, 'examples/github-actions.yml');
let work = '';
let workspace = '';
let cache = '';
let tarball = '';

const scenario = (threshold: string): string => `name: my-function
function: { path: ../src/handler.mjs }
runtimes: [process]
matrix: { memoryMb: 512 }
phases:
  - { name: first, kind: burst, size: 1, every: 300ms, count: 1 }
  - { name: steady, kind: constant, rate: 10, duration: 1s }
thresholds: [errorRate < 1%, ${threshold}]
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'coldlab-actions-'));
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO });
  tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  workspace = join(work, 'workspace');
  cache = join(work, 'actions-cache');
  await mkdir(join(workspace, 'src'), { recursive: true });
  await mkdir(join(workspace, 'bench'), { recursive: true });
  await writeFile(join(workspace, 'package.json'), '{ "name": "my-function", "version": "1.0.0", "private": true }\n');
  await writeFile(join(workspace, 'src/handler.mjs'), "export async function handler() { return { statusCode: 200, body: 'ok' }; }\n");
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function job(ctx: JobContext, threshold = 'warm.p99 < 5s'): Promise<Awaited<ReturnType<typeof runJob>>> {
  await writeFile(join(workspace, 'bench/coldlab.yaml'), scenario(threshold));
  // A fresh checkout each time: no outputs of an earlier job.
  for (const dir of ['coldlab-out', 'coldlab-baseline', 'coldlab-junit.xml']) await rm(join(workspace, dir), { recursive: true, force: true });
  // The file says COLDLAB_PACKAGE: git+https://…; here it is the tarball `npm pack` made, the README's other way.
  return runJob(readJob(await readFile(WORKFLOW, 'utf8'), 'coldlab'), ctx, { workspace, cache, overrides: { COLDLAB_PACKAGE: tarball, npm_config_prefer_offline: 'true' } });
}

describe('examples/github-actions.yml', () => {
  it('validates against the GitHub workflow schema (action-validator)', async () => {
    const r = await execa(join(REPO, 'node_modules/.bin/action-validator'), [WORKFLOW], { reject: false, all: true });
    expect(r.all).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('its steps run as written on a local stand-in for the Actions runner (double: no GitHub here): first PR passes with a notice, a push records the baseline, PRs are gated against it', { timeout: 300_000 }, async () => {
    const first = await job({ event: 'pull_request', refName: '1/merge', baseRef: 'main', runId: '100' });
    expect(first.failed, first.log).toBeUndefined();
    expect(first.log).toContain('::notice title=coldlab::no baseline results for main yet');
    expect(first.summary).toContain('no baseline results for `main` yet');
    expect(first.summary).toContain('### coldlab gate: ✅ pass');
    // The run's own summary once, the gate's verdict once.
    expect(first.summary).toContain('Recommendations');
    expect(first.summary.match(/### coldlab gate:/g)).toHaveLength(1);
    expect(first.ran).toContain('Show the gate as test results');

    const push = await job({ event: 'push', refName: 'main', baseRef: '', runId: '101' });
    expect(push.failed, push.log).toBeUndefined();
    expect(push.ran).toContain('Save the baseline');

    const gated = await job({ event: 'pull_request', refName: '2/merge', baseRef: 'main', runId: '102' });
    expect(gated.failed, gated.log).toBeUndefined();
    expect(gated.log).not.toContain('no baseline');
    expect(gated.summary).toContain('#### Baseline comparison');

    const failing = await job({ event: 'pull_request', refName: '3/merge', baseRef: 'main', runId: '103' }, 'warm.p50 < 0.001ms');
    expect(failing.failed).toEqual({ step: 'Gate', code: 99 });
    expect(failing.summary).toContain('### coldlab gate: ❌ fail');
    expect(failing.ran).toContain('Show the gate as test results');
    expect(failing.ran).not.toContain('Save the baseline');
  });
});
