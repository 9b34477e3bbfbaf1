import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

const dir = mkdtempSync(join(tmpdir(), 'coldlab-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(dir);
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('CLI flags a newcomer trips on', () => {
  it('plan --keep-alive without a unit is refused with the hint "10 what?"; 0 and units are fine', async () => {
    const bare = await cli('plan', '--rate', '1', '--warm-ms', '10', '--cold-ms', '100', '--keep-alive', '10');
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('--keep-alive: 10 what? write 10ms or 10s');
    expect((await cli('plan', '--rate', '1', '--warm-ms', '10', '--cold-ms', '100', '--keep-alive', '0,10s', '--requests', '1000', '--json')).code).toBe(0);
  });

  it('a phase duration without a unit is refused in a scenario too, with its line and the same hint', async () => {
    const r = await cli('run', resolve('test/data/scenarios/bare-duration.yaml'), '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bare-duration\.yaml:4:\d+ phases\[0\]\.duration: 10 what\? write 10ms or 10s/);
  });

  it('bare plan names every missing input at once', async () => {
    const r = await cli('plan');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--rate .*--trace.*--warm-ms.*--cold-ms/s);
  });

  it('plan --prices takes the YAML of a scenario\'s cost: section, and reports a wrong key with file:line', async () => {
    writeFileSync(join(dir, 'prices.yaml'), '# my prices\ngbSecond: 0.00002\nperMillionRequests: 0.4\n');
    const args = ['plan', '--rate', '2', '--warm-ms', '10', '--cold-ms', '100', '--requests', '2000', '--json', '--prices', 'prices.yaml'];
    const ok = await cli(...args);
    expect(ok.code, ok.err).toBe(0);
    writeFileSync(join(dir, 'prices.yaml'), 'gbSecond: 0.00002\nperMilionRequests: 0.4\n');
    const bad = await cli(...args);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/prices\.yaml:2:1 .*perMilionRequests/);
    expect(bad.err).toContain('perMillionRequests');
  });

  it('merge marks -o as required, and run --help groups its flags', async () => {
    expect((await cli('merge', '--help')).out).toMatch(/-o, --out <file>\s+merged results file to write \(required\)/);
    const missing = await cli('merge', 'a.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '-o, --out <file>' not specified");
    const help = (await cli('run', '--help')).out;
    const at = (text: string): number => help.indexOf(text);
    expect(at('Running:')).toBeGreaterThan(0);
    expect(at('Output:')).toBeGreaterThan(at('Running:'));
    expect(at('A/B comparison and gate')).toBeGreaterThan(at('Output:'));
    expect(at('--tolerance')).toBeGreaterThan(at('A/B comparison and gate'));
  });
});
