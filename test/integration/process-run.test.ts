import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readResults } from '../../src/results/store.js';
import { mergeResults } from '../../src/results/merge.js';
import type { RunResult, VariantResult } from '../../src/results/model.js';
import { captureIO } from '../helpers/io.js';

// End to end on real processes through the real gateway: invariants, not timings.
let out: string;
let result: RunResult;

async function run(scenario: string): Promise<{ code: number; json: { results: string; report: string } }> {
  const io = captureIO();
  const code = await main(['run', scenario, '--out', out, '--json'], io);
  const line = io.stdout().trim().split('\n').pop() ?? '{}';
  if (!line.startsWith('{')) throw new Error(`no JSON output; stderr:\n${io.stderr()}`);
  return { code, json: JSON.parse(line) as { results: string; report: string } };
}

const phase = (v: VariantResult, name: string) => {
  const p = v.phases.find((x) => x.name === name);
  if (!p) throw new Error(`no phase ${name}`);
  return p;
};
const byProvisioned = (n: number) => {
  const v = result.variants.find((x) => x.variant.provisionedConcurrency === n);
  if (!v) throw new Error(`no variant with provisioned=${n}`);
  return v;
};

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'coldlab-it-'));
  const { json } = await run('test/data/runs/invariants.yaml');
  result = await readResults(json.results);
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('a scenario on the process runtime', () => {
  it('runs every variant and writes results and a report', async () => {
    expect(result.complete).toBe(true);
    expect(result.variants).toHaveLength(2);
    for (const v of result.variants) expect(v.status).not.toBe('failed');
    const html = await readFile(join(out, result.runId, 'index.html'), 'utf8');
    expect(html).toContain('invariants');
  });

  it('cold-starts the burst on an empty platform as scale-out', () => {
    const burst = phase(byProvisioned(0), 'burst');
    expect(burst.latency.cold?.corrected.count).toBeGreaterThan(0);
    expect(burst.coldStarts['scale-out']).toBeGreaterThan(0);
  });

  it('a provisioned variant has no cold start in its steady phase', () => {
    const steady = phase(byProvisioned(1), 'steady');
    expect(steady.latency.cold?.corrected.count ?? 0).toBe(0);
    expect(steady.latency.warm?.corrected.count).toBeGreaterThan(0);
  });

  it('the first request after an idle gap longer than keep-alive is cold (keepalive-expired)', () => {
    const again = phase(byProvisioned(0), 'again');
    expect(again.coldStarts['keepalive-expired']).toBeGreaterThanOrEqual(1);
    expect(byProvisioned(0).instances.some((i) => i.stopReason === 'keepalive')).toBe(true);
  });

  it('every cold request carries an init time', () => {
    for (const v of result.variants) {
      for (const p of v.phases) {
        expect(p.coldInit?.count ?? 0).toBe(p.latency.cold?.corrected.count ?? 0);
      }
      for (const i of v.instances.filter((x) => x.start)) expect(i.start?.initMs).toBeGreaterThan(0);
    }
  });

  it('results.json round-trips, and merges with a second run by adding histograms (never with itself)', async () => {
    const again = await readResults(join(out, result.runId, 'results.json'));
    expect(again).toEqual(result);
    expect(() => mergeResults([result, again])).toThrow(/count its requests twice/);
    // The same figures under another run id stand for a second run of identical results.
    const merged = mergeResults([result, { ...again, runId: `${again.runId}-b` }]);
    const steady = phase(merged.variants[0]!, 'steady');
    expect(steady.latency.all?.corrected.count).toBe(2 * (phase(result.variants[0]!, 'steady').latency.all?.corrected.count ?? 0));
  });

  it('a handler that throws is counted as an error and the run goes on', async () => {
    const { json } = await run('test/data/runs/failing.yaml');
    const failing = await readResults(json.results);
    const p = failing.variants[0]!.phases[0]!;
    expect(p.errors['http-500']).toBeGreaterThan(0);
    expect(p.ok).toBeGreaterThan(0);
    expect(p.sent).toBe(p.ok + Object.values(p.errors).reduce((a, b) => a + b, 0));
  });
});
