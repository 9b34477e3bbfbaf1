import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

// Every runtime is implemented: a QEMU binary that does not exist makes microvm the one that cannot run here
// (read when the microvm runtime first loads, which is after this line: the registry loads runtimes lazily).
process.env.COLDLAB_QEMU = '/nonexistent/qemu-system-x86_64';

// The CLI in-process: exit codes and what the user reads.
describe('coldlab CLI', () => {
  it('rejects a wrong scenario with every problem, file:line:col, hints, exit 2, and starts nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-cli-'));
    const io = captureIO();
    const code = await main(['run', 'test/data/runs/two-problems.yaml', '--out', out], io);
    expect(code).toBe(2);
    const err = io.stderr();
    expect(err).toMatch(/two-problems\.yaml:5:3/);
    expect(err).toContain('memoryMb');
    expect(err).toMatch(/two-problems\.yaml:9:\d+/);
    expect(await readdir(out)).toEqual([]);
    await rm(out, { recursive: true, force: true });
  });

  it('--dry-run lists the expanded variants without running them', async () => {
    const io = captureIO();
    expect(await main(['run', 'scenarios/quickstart.yaml', '--dry-run'], io)).toBe(0);
    expect(io.stdout()).toContain('2 variant(s)');
    expect(io.stdout()).toContain('provisioned 1');
  });

  it('schema prints a JSON Schema', async () => {
    const io = captureIO();
    expect(await main(['schema'], io)).toBe(0);
    const schema = JSON.parse(io.stdout()) as { properties?: Record<string, unknown> };
    expect(schema.properties).toHaveProperty('phases');
  });

  it('doctor says which runtimes are usable, and why the others are not', async () => {
    const io = captureIO();
    expect(await main(['doctor'], io)).toBe(0);
    expect(io.stdout()).toMatch(/✔ process/);
    expect(io.stdout()).toMatch(/✘ microvm .*\n\s+fix: .*COLDLAB_QEMU/);
    expect(io.stdout()).toMatch(/✔ wasm +node:wasi/);
  });

  it('a runtime that cannot run here stops the run before anything starts (exit 3), naming it and the fix', async () => {
    const out = await mkdtemp(join(tmpdir(), 'coldlab-cli-'));
    const io = captureIO();
    expect(await main(['run', 'test/data/runs/microvm-and-process.yaml', '--out', out], io)).toBe(3);
    expect(io.stderr()).toContain('nothing was started');
    expect(io.stderr()).toMatch(/microvm: .*\n\s+fix: /);
    expect(await readdir(out)).toEqual([]);
    await rm(out, { recursive: true, force: true });
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect(await main(['frobnicate'], captureIO())).toBe(2);
    expect(await main(['run', 'scenarios/quickstart.yaml', '--bogus'], captureIO())).toBe(2);
  });

  it('report on a missing results file explains itself with exit 2', async () => {
    const io = captureIO();
    expect(await main(['report', 'no/such/results.json'], io)).toBe(2);
    expect(io.stderr()).toContain('hint:');
  });
});
