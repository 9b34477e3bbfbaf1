import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

// The gate end to end on real runs of the process runtime: five interleaved rounds a side, kept tiny
// (one cold start and one second of warm requests per round) so the pair of runs costs about a minute.
const base = 'test/data/gate/ab-base.yaml';
const slow = 'test/data/gate/ab-slow.yaml';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldlab-gate-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function resultsOf(out: string): Promise<{ baseline: string; candidate: string }> {
  const [run] = await readdir(out);
  return { baseline: join(out, run!, 'baseline', 'results.json'), candidate: join(out, run!, 'candidate', 'results.json') };
}

// Each A/B pair is ten short rounds plus two reports: about 30 s on a quiet 2-core host, more when it is busy.
describe('CI gate on real runs', { timeout: 180_000 }, () => {
  it('the same function with a 50 ms sleep added fails the gate with exit 99, with figures in terminal, JUnit and job summary', async () => {
    const out = join(dir, 'slow');
    const io = captureIO();
    const summary = join(dir, 'summary-slow.md');
    io.env['GITHUB_STEP_SUMMARY'] = summary;
    const code = await main(['run', '--ab', base, slow, '-o', out, '-q', '--junit', join(dir, 'slow.xml')], io);
    expect(io.stderr()).not.toMatch(/internal error/);
    expect(code).toBe(99);
    const text = io.stdout();
    expect(text).toMatch(/warm\.p50\s+[\d.]+ ms \(n=5\)\s+[\d.]+ ms \(n=5\)\s+×\d+\.\d+\s+\[[\d.]+, [\d.]+\]\s+0\.0\d+\s+±10%\s+REGRESSION/);
    expect(text).toContain('verdict: FAIL');
    // The candidate's own threshold is judged too, and printed with its measured value.
    expect(text).toMatch(/✗\s+process\/mem=1769\S*\s+steady\s+warm\.p50 < 45ms\s+\d+(\.\d+)? ms/);
    const junit = await readFile(join(dir, 'slow.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="coldlab\.gate\.process\/mem=1769[^"]*" name="warm\.p50" time="0">\s*<failure type="regression" message="warm\.p50 regressed: baseline/);
    expect(junit).toMatch(/<testcase classname="coldlab\.thresholds\.[^"]*" name="warm\.p50 &lt; 45ms \[steady\]"/);
    expect(await readFile(summary, 'utf8')).toContain('### coldlab gate: ❌ fail');

    // The same files through `coldlab gate` give the same verdict.
    const files = await resultsOf(out);
    const gate = captureIO();
    expect(await main(['gate', '--baseline', files.baseline, files.candidate], gate)).toBe(99);
    expect(gate.stdout()).toContain('verdict: FAIL');
  });

  it('nothing changed passes the gate (exit 0)', async () => {
    const io = captureIO();
    // Identical sides still differ by the process runtime's noise with other test files beside them (a CI run had
    // warm P50 1.49 against 1.69 ms, ×1.13, flagged at the default 10%): a 30% tolerance for that noise; the slow
    // pair above fails at the default.
    const code = await main(['run', '--ab', base, base, '-o', join(dir, 'same'), '-q', '--tolerance', '30%'], io);
    expect(io.stdout()).toContain('verdict: PASS');
    expect(io.stdout()).toMatch(/✓\s+process\/mem=1769\S*\s+steady\s+warm\.p50 < 45ms/);
    expect(code).toBe(0);
  });
});
