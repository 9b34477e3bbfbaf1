import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

// `coldlab init` in a project folder of its own: the scenario it writes must pass `run --dry-run` as written.
let project = '';
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'coldlab-init-'));
  await mkdir(join(project, 'src'));
  await writeFile(join(project, 'src/handler.mjs'), 'export async function handler() { return { statusCode: 200, body: "ok" }; }\n');
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('coldlab init', () => {
  it('writes a commented starter scenario (usable runtimes, memory sweep, warm pool, thresholds) that passes run --dry-run', async () => {
    const io = captureIO(project);
    expect(await main(['init', './src/handler.mjs', '-o', 'bench/coldlab.yaml'], io), io.stderr()).toBe(0);
    const text = await readFile(join(project, 'bench/coldlab.yaml'), 'utf8');
    expect(text).toContain('path: ../src/handler.mjs');
    expect(text).toMatch(/runtimes: \[process/);
    expect(text).toContain('memoryMb: [256, 512, 1024]');
    expect(text).toContain('provisionedConcurrency: [0, 1]');
    expect(text).toMatch(/thresholds:\n {2}- errorRate < 1%/);
    const dry = captureIO(project);
    expect(await main(['run', 'bench/coldlab.yaml', '--dry-run'], dry), dry.stderr()).toBe(0);
    expect(dry.stdout()).toMatch(/\d+ variant\(s\)/);
    expect(dry.stdout()).toContain('provisioned 1');
  });

  it('refuses to overwrite a scenario without --force, and a handler that does not exist (exit 2, nothing written)', async () => {
    const again = captureIO(project);
    expect(await main(['init', './src/handler.mjs', '-o', 'bench/coldlab.yaml'], again)).toBe(2);
    expect(again.stderr()).toContain('--force');
    const missing = captureIO(project);
    expect(await main(['init', './src/nothing.mjs', '-o', 'other.yaml'], missing)).toBe(2);
    expect(missing.stderr()).toContain('no such file');
    const forced = captureIO(project);
    expect(await main(['init', './src/handler.mjs', '-o', 'bench/coldlab.yaml', '--force', '--handler', 'main'], forced)).toBe(0);
    expect(await readFile(join(project, 'bench/coldlab.yaml'), 'utf8')).toMatch(/handler: main\b/);
  });
});
