import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/results/merge.js';
import { newHistogram, recordUs, toData } from '../../src/results/histogram.js';
import type { HistogramData, PhaseResult, RunResult, VariantResult } from '../../src/results/model.js';
import { ColdlabError } from '../../src/util/errors.js';
import { buildSample, sampleKey, sampleRunResult, type Measure, type StartSet } from '../helpers/sampleResult.js';

function phase(v: VariantResult | undefined, name: string): PhaseResult {
  const p = v?.phases.find((x) => x.name === name);
  if (!p) throw new Error(`no phase ${name}`);
  return p;
}

function unionHistogram(all: Array<Map<string, number[]>>, key: string): HistogramData {
  const h = newHistogram();
  for (const samples of all) for (const us of samples.get(key) ?? []) recordUs(h, us);
  return toData(h);
}

const oneVariant = (seed: number, runId: string): ReturnType<typeof buildSample> => buildSample({ seed, runId, variants: [{}] });

describe('mergeResults', () => {
  it('adds counts, errors and cold starts of the same variant, and concatenates instances', () => {
    const a = oneVariant(1, 'run-a').result;
    const b = oneVariant(2, 'run-b').result;
    const merged = mergeResults([a, b]);
    expect(merged.variants).toHaveLength(1);
    const [va, vb, vm] = [a.variants[0], b.variants[0], merged.variants[0]];
    for (const name of ['burst', 'steady']) {
      const [pa, pb, pm] = [phase(va, name), phase(vb, name), phase(vm, name)];
      expect(pm.sent).toBe(pa.sent + pb.sent);
      expect(pm.ok).toBe(pa.ok + pb.ok);
      expect(pm.coldStarts['scale-out']).toBe(pa.coldStarts['scale-out'] + pb.coldStarts['scale-out']);
      expect(pm.latency.warm?.corrected.count).toBe((pa.latency.warm?.corrected.count ?? 0) + (pb.latency.warm?.corrected.count ?? 0));
      expect(pm.coldInit?.count).toBe((pa.coldInit?.count ?? 0) + (pb.coldInit?.count ?? 0));
    }
    expect(phase(vm, 'steady').errors['http-500']).toBe(4);
    expect(vm?.instances).toHaveLength((va?.instances.length ?? 0) + (vb?.instances.length ?? 0));
    expect(new Set(vm?.instances.map((i) => i.id)).size).toBe(vm?.instances.length);
    expect(vm?.durationMs).toBe((va?.durationMs ?? 0) + (vb?.durationMs ?? 0));
    expect(vm?.timeline).toEqual(va?.timeline);
    expect(merged.runId).toBe('merged-run-a+run-b');
  });

  it('merged percentiles equal those of one histogram holding every sample (never an average)', () => {
    const a = oneVariant(11, 'a');
    const b = buildSample({ seed: 12, runId: 'b', variants: [{ phases: [{ name: 'steady', warm: 2000, cold: 40 }, { name: 'burst', warm: 5, cold: 60 }] }] });
    const merged = mergeResults([a.result, b.result]);
    const key = merged.variants[0]?.variant.key ?? '';
    let checked = 0;
    for (const name of ['burst', 'steady']) {
      const p = phase(merged.variants[0], name);
      for (const set of ['all', 'cold', 'warm'] as StartSet[]) {
        for (const measure of ['corrected', 'uncorrected'] as Measure[]) {
          const expected = unionHistogram([a.samples, b.samples], sampleKey(key, name, set, measure));
          const actual = p.latency[set]?.[measure];
          expect(actual?.count).toBe(expected.count);
          expect(actual?.p50Us).toBe(expected.p50Us);
          expect(actual?.p90Us).toBe(expected.p90Us);
          expect(actual?.p99Us).toBe(expected.p99Us);
          expect(actual?.p999Us).toBe(expected.p999Us);
          // A decoded histogram reports max as its bucket's highest equivalent value: equal to 3 significant digits.
          expect(Math.abs((actual?.maxUs ?? 0) - expected.maxUs) / expected.maxUs).toBeLessThan(1e-3);
          checked++;
        }
      }
    }
    expect(checked).toBe(12);
    // The samples differ enough that averaging the two P99s would give another figure.
    const steadyA = phase(a.result.variants[0], 'steady').latency.cold?.corrected.p99Us ?? 0;
    const steadyB = phase(b.result.variants[0], 'steady').latency.cold?.corrected.p99Us ?? 0;
    expect(phase(merged.variants[0], 'steady').latency.cold?.corrected.p99Us).not.toBe(Math.round((steadyA + steadyB) / 2));
  });

  it('refuses results of different scenarios with a usage error', () => {
    const a = sampleRunResult({ scenarioName: 'alpha' });
    const b = sampleRunResult({ scenarioName: 'beta' });
    let error: unknown;
    try {
      mergeResults([a, b]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ColdlabError);
    expect(error instanceof ColdlabError && error.exitCode).toBe(2);
    expect(error instanceof ColdlabError && error.message).toContain('"alpha"');
    expect(() => mergeResults([])).toThrow(ColdlabError);
  });

  it('keeps variants with different keys apart, in order of first appearance', () => {
    const a = sampleRunResult({ variants: [{ memoryMb: 256 }, { memoryMb: 512 }] });
    const b = sampleRunResult({ runId: 'run-b', variants: [{ memoryMb: 1024 }, { memoryMb: 256 }] });
    const merged = mergeResults([a, b]);
    expect(merged.variants.map((v) => v.variant.memoryMb)).toEqual([256, 512, 1024]);
  });

  it('combines the repetitions of one run', () => {
    const run = sampleRunResult({ variants: [{ repetition: 1 }, { repetition: 2 }] });
    const merged = mergeResults([run]);
    expect(merged.variants).toHaveLength(1);
    expect(merged.variants[0]?.notes.some((n) => n.includes('merged from 2 runs'))).toBe(true);
    expect(merged.runId).toBe(`merged-${run.runId}`);
  });

  it('names a merge of many runs briefly and recomputes the achieved rate over all the time measured', () => {
    const runs = [1, 2, 3, 4, 5].map((i) =>
      sampleRunResult({ runId: `merged-r${i}`, variants: [{ phases: [{ name: 'steady', rate: 100, durationMs: 1_000 * i, warm: 50, cold: 1, achievedShare: i === 5 ? 0.5 : 1 }] }] }),
    );
    const merged = mergeResults(runs);
    expect(merged.runId).toBe('merged-r1+4-more');
    // 1+2+3+4 s at 100 req/s and 5 s at 50 req/s: 1,250 requests over 15 s.
    expect(phase(merged.variants[0], 'steady').achievedRate).toBeCloseTo(1_250 / 15, 6);
    expect(phase(merged.variants[0], 'steady').targetRate).toBe(100);
  });

  it('the worst status wins: failed over invalid over completed, reasons kept', () => {
    const ok = sampleRunResult({ variants: [{}] });
    const invalid = sampleRunResult({ runId: 'run-invalid', variants: [{ phases: [{ name: 'steady', warm: 100, cold: 1, achievedShare: 0.5 }] }] });
    const failed = sampleRunResult({ runId: 'run-failed', variants: [{ fail: { code: 'START_FAILED', message: 'boom', hint: 'look at the log' } }] });
    const one = mergeResults([ok, invalid]).variants[0];
    expect(one?.status).toBe('invalid');
    expect(one?.status === 'invalid' && one.invalidReasons[0]).toContain('steady: achieved');
    expect(phase(one, 'steady').valid).toBe(false);
    const two = mergeResults([ok, invalid, failed]).variants[0];
    expect(two?.status === 'failed' && two.error).toEqual({ code: 'START_FAILED', message: 'boom', hint: 'look at the log' });
  });

  it('is complete only if every input is; host from the first, with a note when hosts differ', () => {
    const a = sampleRunResult({ hostname: 'one' });
    const b: RunResult = sampleRunResult({ runId: 'run-b', hostname: 'two', complete: false });
    const merged = mergeResults([a, b]);
    expect(merged.complete).toBe(false);
    expect(merged.finishedAt).toBeUndefined();
    expect(merged.host.hostname).toBe('one');
    for (const v of merged.variants) expect(v.notes.filter((n) => n.includes('different hosts'))).toHaveLength(1);
    const same = mergeResults([a, sampleRunResult({ runId: 'run-c', hostname: 'one' })]);
    expect(same.complete).toBe(true);
    expect(same.variants.flatMap((v) => v.notes).some((n) => n.includes('different hosts'))).toBe(false);
  });

  it('deduplicates notes and requires every input to enforce limits', () => {
    const a = sampleRunResult({ variants: [{ limitsEnforced: false }] });
    const b = sampleRunResult({ runId: 'run-b', variants: [{ limitsEnforced: false }] });
    const c = sampleRunResult({ runId: 'run-c', variants: [{}] });
    const merged = mergeResults([a, b, c]).variants[0];
    expect(merged?.limitsEnforced).toBe(false);
    const cgroupNotes = merged?.notes.filter((n) => n.startsWith('cgroup v2 not delegated')) ?? [];
    expect(cgroupNotes).toHaveLength(1);
  });

  it('a single result with distinct variants comes back unchanged', () => {
    const run = sampleRunResult();
    expect(mergeResults([run])).toEqual(run);
  });
});
