import { describe, expect, it } from 'vitest';
import { formatRunSummary, formatVariantSummary } from '../../src/report/summary.js';
import { formatMs, formatUs } from '../../src/present/format.js';
import { textTable } from '../../src/present/textTable.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

describe('formatMs', () => {
  it('keeps three significant digits, as the histograms do', () => {
    expect(formatMs(0.41234)).toBe('0.412');
    expect(formatMs(4.1234)).toBe('4.12');
    expect(formatMs(41.234)).toBe('41.2');
    expect(formatMs(412.34)).toBe('412');
    expect(formatMs(41_234)).toBe('41,234');
    expect(formatMs(0)).toBe('0');
    expect(formatUs(1500)).toBe('1.50');
  });
});

describe('textTable', () => {
  it('aligns words left and numbers right without trailing spaces', () => {
    expect(textTable([['a', '1'], ['bbb', '100']], ['left', 'right'], '')).toBe('a      1\nbbb  100');
  });
});

describe('formatVariantSummary', () => {
  it('shows cold and warm rows per phase with corrected percentiles, cold starts, init, rate and validity', () => {
    const result = sampleRunResult({ variants: [{}] });
    const v = result.variants[0];
    if (!v) throw new Error('no variant');
    const text = formatVariantSummary(v);
    const steady = v.phases.find((p) => p.name === 'steady');
    const warm = steady?.latency.warm?.corrected;
    if (!steady || !warm) throw new Error('sample lacks steady warm latency');
    const warmRow = text.split('\n').find((l) => /^\s+warm\s+495\s/.test(l));
    expect(warmRow).toBeDefined();
    for (const us of [warm.p50Us, warm.p90Us, warm.p99Us, warm.p999Us]) expect(warmRow).toContain(formatUs(us));
    const coldRow = text.split('\n').find((l) => l.trimStart().startsWith('steady'));
    // Instances started in the phase, then requests delayed by a start: the sample starts all 13 in the burst.
    expect(coldRow).toContain('0 · 3 delayed');
    expect(text.split('\n').find((l) => l.trimStart().startsWith('burst'))).toContain('13 scale-out · 10 delayed');
    expect(coldRow).toContain('50/50');
    expect(coldRow).toContain('http-500 ×2');
    expect(text).toContain('init ms P50');
    expect(text).toMatch(/\n {2}valid: every phase applied the load it was asked for$/);
  });

  it('says INVALID with reasons and FAILED with the hint', () => {
    const result = sampleRunResult({
      variants: [{ phases: [{ name: 'steady', warm: 50, cold: 1, achievedShare: 0.5 }] }, { fail: { code: 'X', message: 'it broke', hint: 'do this' }, phases: [] }],
    });
    const [invalid, failed] = result.variants;
    if (!invalid || !failed) throw new Error('missing variants');
    expect(formatVariantSummary(invalid)).toContain('INVALID: steady: achieved 25 req/s of 50 target');
    const failedText = formatVariantSummary(failed);
    expect(failedText).toContain('FAILED: it broke [X]');
    expect(failedText).toContain('hint: do this');
  });
});

describe('formatRunSummary', () => {
  it('prints a heading and one line per variant', () => {
    const result = sampleRunResult({ variants: [{}, { provisioned: 1 }, { memoryMb: 1024 }], complete: false });
    const lines = formatRunSummary(result).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('INCOMPLETE');
    for (const [i, v] of result.variants.entries()) expect(lines[i + 1]).toContain(v.variant.id);
  });
});
