import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeResultsAtomic } from '../../src/results/store.js';
import { captureIO } from '../helpers/io.js';
import { runWithReps } from '../helpers/gateRuns.js';

// Results files built by the test helper (six repetitions a side, the same warm medians), judged by the real CLI:
// a comparison that passes with a threshold that fails must end, everywhere it is said, as a FAIL with exit 99.
let dir = '';
let base = '';
let cand = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldlab-gate-verdict-'));
  base = join(dir, 'base.json');
  cand = join(dir, 'cand.json');
  await writeResultsAtomic(base, runWithReps('base', [1000, 1010, 990, 1005, 995, 1000]));
  await writeResultsAtomic(cand, { ...runWithReps('cand', [1000, 1010, 990, 1005, 995, 1000]), thresholds: [{ expression: 'warm.p50 < 0.5ms' }, { expression: 'errorRate < 1%' }] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

describe('coldlab gate on results files built by the test helper: one verdict, the same in every output', () => {
  it('a failing threshold with a passing comparison: exit 99, last line FAIL, job summary heading fail', async () => {
    const io = captureIO(dir);
    const summary = join(dir, 'summary.md');
    io.env['GITHUB_STEP_SUMMARY'] = summary;
    expect(await main(['gate', '--baseline', base, cand], io)).toBe(99);
    expect(io.stdout()).toContain('comparison: PASS');
    expect(lastLine(io.stdout())).toMatch(/^verdict: FAIL — 1 of 2 threshold\(s\) failed; comparison: no regression.*\(exit 99\)$/);
    const md = await readFile(summary, 'utf8');
    expect(md.split('\n')[0]).toBe('### coldlab gate: ❌ fail');
    expect(md).not.toMatch(/^### .*✅/m);
  });

  it('--json gives the same verdict and exit code, and --threshold replaces the stored thresholds', async () => {
    const json = captureIO(dir);
    expect(await main(['gate', '--baseline', base, cand, '--json'], json)).toBe(99);
    const verdict = JSON.parse(json.stdout()) as { verdict: string; exitCode: number; thresholds: unknown[]; comparison: { verdict: string } };
    expect([verdict.verdict, verdict.exitCode, verdict.thresholds.length, verdict.comparison.verdict]).toEqual(['fail', 99, 2, 'pass']);
    const tried = captureIO(dir);
    expect(await main(['gate', cand, '--threshold', 'warm.p50 < 5ms', '--threshold', 'steady: warm.p99 < 50ms'], tried)).toBe(0);
    expect(tried.stdout()).toContain('thresholds: all 2 passed');
    expect(lastLine(tried.stdout())).toMatch(/^verdict: PASS .*\(exit 0\)$/);
    const bad = captureIO(dir);
    expect(await main(['gate', cand, '--threshold', 'warm.p50 <'], bad)).toBe(2);
    expect(bad.stderr()).toContain('--threshold');
  });

  it('merge --json says what was merged (the repetitions of both runs in one variant)', async () => {
    const io = captureIO(dir);
    expect(await main(['merge', base, cand, '-o', join(dir, 'merged.json'), '--json'], io), io.stderr()).toBe(0);
    const out = JSON.parse(io.stdout()) as { merged: string; sources: number; variants: number };
    expect([out.merged, out.sources, out.variants]).toEqual([join(dir, 'merged.json'), 2, 1]);
  });

  it('compare --json prints both runs side by side as data', async () => {
    const io = captureIO(dir);
    expect(await main(['compare', base, cand, '--json', '-o', join(dir, 'compare.html')], io)).toBe(0);
    const out = JSON.parse(io.stdout()) as { a: { runId: string }; b: { runId: string }; rows: Array<{ key: string; a?: { warmP50Ms?: number } }> };
    expect([out.a.runId, out.b.runId]).toEqual(['base', 'cand']);
    expect(out.rows[0]?.a?.warmP50Ms).toBeGreaterThan(0);
  });
});
