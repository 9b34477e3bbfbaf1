import { describe, expect, it } from 'vitest';
import { compareRuns, formatComparison, renderComparisonHtml } from '../../src/report/compare.js';
import { knownResult } from '../helpers/adviceResult.js';

describe('compare', () => {
  const a = knownResult([{ memoryMb: 512, warmUs: 10_000 }, { memoryMb: 1024, warmUs: 5_000 }]);
  const b = knownResult([{ memoryMb: 512, warmUs: 20_000 }, { memoryMb: 1024, warmUs: 5_000, status: 'invalid' }]);
  b.runId = 'later';

  it('matches variants by key, B against A, and never compares an invalid variant', () => {
    const { rows } = compareRuns(a, b);
    expect(rows[0]?.b?.warmP50Ms).toBeCloseTo(2 * (rows[0]?.a?.warmP50Ms ?? 0), 1);
    expect(rows[1]?.bNote).toBe('invalid');
    const text = formatComparison(a, b);
    expect(text).toMatch(/B\/A\s+2\.00×\s+2\.00×/);
    expect(text).toContain('invalid');
  });

  it('writes a self-contained page', () => {
    const page = renderComparisonHtml(a, b);
    expect(page).toContain("default-src 'none'");
    expect(page).not.toMatch(/https?:|url\(/);
    expect(page).toContain('later');
  });
});
