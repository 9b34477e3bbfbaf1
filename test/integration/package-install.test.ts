import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureEngine } from '../helpers/docker.js';

// coldlab as a user gets it: `npm pack` of this repository, installed into an empty project outside it, run
// from that project's folder on functions written there. dist/ is built by `pretest`; packing with
// --ignore-scripts checks that the tarball needs no build (typescript is a devDependency, absent there).
const REPO = resolve(import.meta.dirname, '../..');
let work = '';
let project = '';
let tarball = '';

const SCENARIO = (name: string, file: string): string => `name: ${name}
function: { path: ../src/${file} }   # relative to this file, not to the folder coldlab runs in
runtimes: [process]
matrix: { memoryMb: 512 }
phases:
  - { name: first, kind: burst, size: 1, every: 300ms, count: 1 }
  - { name: steady, kind: constant, rate: 10, duration: 1s }
thresholds: [errorRate < 1%]
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'coldlab-package-'));
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  if (!info) throw new Error('npm pack printed no package');
  tarball = join(work, info.filename);
  project = join(work, 'project');
  await mkdir(join(project, 'src'), { recursive: true });
  await mkdir(join(project, 'bench'), { recursive: true });
  await writeFile(join(project, 'package.json'), '{ "name": "my-function", "version": "1.0.0", "private": true }\n');
  // The dependencies' tarballs are in npm's cache after `npm ci`; only their metadata may need the registry.
  await execa('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, env: { npm_config_loglevel: 'error' } });
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed coldlab (npm pack, installed outside the repository)', () => {
  it('holds the compiled code, runners, fixtures, scenarios and the JSON Schema, and no sources or tests', async () => {
    const listed = await execa('tar', ['-tzf', tarball]);
    const files = listed.stdout.split('\n').map((f) => f.replace(/^package\//, ''));
    for (const needed of ['bin/coldlab.mjs', 'dist/cli/main.js', 'dist/scenario.schema.json', 'runners/node/bootstrap.mjs', 'runners/wasm/host.mjs', 'scenarios/quickstart.yaml', 'fixtures/functions/heavy-init.mjs', 'fixtures/wasm/hello.wat']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => /^(src|test|bench|scripts)\/|\.map$|\.ts$/.test(f))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/coldlab/package.json'), 'utf8')) as { private?: boolean };
    expect(manifest.private).toBeUndefined();
  });

  it('runs a scenario on an ESM and a CommonJS handler from the project folder, paths resolved against the scenario file', async () => {
    await writeFile(join(project, 'src/handler.mjs'), "export async function handler(event) { return { statusCode: 200, body: 'esm' }; }\n");
    await writeFile(join(project, 'src/handler.cjs'), "exports.handler = async () => ({ statusCode: 200, body: 'cjs' });\n");
    await writeFile(join(project, 'bench/esm.yaml'), SCENARIO('esm', 'handler.mjs'));
    await writeFile(join(project, 'bench/cjs.yaml'), SCENARIO('cjs', 'handler.cjs'));
    const bin = join(project, 'node_modules/.bin/coldlab');
    const run = await execa(bin, ['run', 'bench/esm.yaml', 'bench/cjs.yaml', '-o', 'out', '-q'], { cwd: project, reject: false, env: { CI: 'true' } });
    expect(run.stderr).not.toMatch(/Error:|at .*\.js:\d+/);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('thresholds: all 1 passed');
    const runs = await readdir(join(project, 'out'));
    expect(runs.filter((r) => r.startsWith('esm-'))).toHaveLength(1);
    expect(runs.filter((r) => r.startsWith('cjs-'))).toHaveLength(1);
    for (const dir of runs) {
      const results = JSON.parse(await readFile(join(project, 'out', dir, 'results.json'), 'utf8')) as { variants: Array<{ status: string }> };
      expect(results.variants.map((v) => v.status)).toEqual(['completed']);
      expect(existsSync(join(project, 'out', dir, 'index.html'))).toBe(true);
    }
  });

  it('doctor and the bundled quickstart scenario work from any folder', async () => {
    const bin = join(project, 'node_modules/.bin/coldlab');
    const doctor = await execa(bin, ['doctor', '--json'], { cwd: work, reject: false });
    const probes = JSON.parse(doctor.stdout) as Array<{ runtime?: string; name?: string; usable?: boolean }> | Record<string, unknown>;
    expect(JSON.stringify(probes)).toContain('process');
    const dry = await execa(bin, ['run', join(project, 'node_modules/coldlab/scenarios/quickstart.yaml'), '--dry-run'], { cwd: work });
    expect(dry.stdout).toContain('2 variant(s)');
  });

  it('installed globally (npm install -g), the coldlab command runs a scenario from any folder', { timeout: 180_000 }, async () => {
    const prefix = join(work, 'global');
    await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { env: { npm_config_loglevel: 'error' } });
    const run = await execa(join(prefix, 'bin/coldlab'), ['run', join(project, 'bench/cjs.yaml'), '-o', join(work, 'global-out'), '-q'], { cwd: tmpdir(), reject: false, env: { CI: 'true' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('thresholds: all 1 passed');
  });

  it('init writes a starter whose editor schema line points into the installed package, and it passes --dry-run', async () => {
    const bin = join(project, 'node_modules/.bin/coldlab');
    await execa(bin, ['init', './src/handler.mjs', '-o', 'bench/coldlab.yaml'], { cwd: project });
    const text = await readFile(join(project, 'bench/coldlab.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/coldlab/dist/scenario.schema.json');
    await execa(bin, ['run', 'bench/coldlab.yaml', '--dry-run'], { cwd: project });
  });

  // Its dependencies are hoisted into the project's node_modules and there is no lock file: the image must
  // find them as Node does and place them so that they resolve the same way inside.
  it('image build works from the installed package, and coldlab runs inside the image it built', { timeout: 240_000 }, async (t) => {
    if (!(await ensureEngine())) return t.skip();
    const bin = join(project, 'node_modules/.bin/coldlab');
    const tag = `coldlab-package-test:${process.pid}`;
    try {
      const build = await execa(bin, ['image', 'build', '--tag', tag], { cwd: project, reject: false, all: true });
      expect(build.exitCode, build.all).toBe(0);
      const listed = await execa('docker', ['run', '--rm', '--entrypoint', '/bin/ls', tag, '/opt/coldlab/node_modules']);
      expect(listed.stdout.split('\n')).toEqual(expect.arrayContaining(['dockerode', 'commander', 'zod']));
      const doctor = await execa('docker', ['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', tag, 'doctor', '--json'], { reject: false });
      const lines = JSON.parse(doctor.stdout) as Array<{ runtime?: string; probe?: { usable?: boolean } }>;
      expect(lines.filter((l) => l.probe?.usable).map((l) => l.runtime)).toEqual(expect.arrayContaining(['process', 'container', 'wasm']));
    } finally {
      await execa('docker', ['rmi', tag], { reject: false });
    }
  });
});
