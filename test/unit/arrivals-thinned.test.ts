import { describe, expect, it } from 'vitest';
import { ARRIVALS_CAP, ArrivalCollector, decodeArrivals, decodeColumns, encodeArrivals, toColumns, type Arrival } from '../../src/results/arrivals.js';
import type { Outcome } from '../../src/results/recorder.js';
import { advise } from '../../src/advise/index.js';
import { formatAdvice } from '../../src/advise/text.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';
import { checkResults } from '../../src/results/schema.js';
import { mulberry32 } from '../../src/util/prng.js';
import { validateVariant } from '../../src/plan/validate.js';
import { formatValidation } from '../../src/plan/format.js';
import { scheduleOffsetsUs, type OpenLoopPhase } from '../../src/load/schedule.js';
import { knownResult } from '../helpers/adviceResult.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

const ORIGIN_US = 1_000_000;

// A request sent on time at `atUs` (from the variant's start) that held its instance `serviceUs`.
const outcome = (atUs: number, serviceUs: number): Outcome => ({ intendedUs: ORIGIN_US + atUs, sentUs: ORIGIN_US + atUs, endUs: ORIGIN_US + atUs + serviceUs, ok: true });

// A constant stream: one request every `gapUs`, each holding its instance `serviceUs`.
function constantStream(count: number, gapUs: number, serviceUs: number): Arrival[] {
  return Array.from({ length: count }, (_, i) => ({ atUs: i * gapUs, serviceUs }));
}

function collect(arrivals: readonly Arrival[], cap?: number): ArrivalCollector {
  const collector = new ArrivalCollector(ORIGIN_US, cap);
  for (const a of arrivals) collector.onOutcome(outcome(a.atUs, a.serviceUs));
  return collector;
}

describe('the arrival log of a long run', () => {
  it('keeps at most ARRIVALS_CAP entries of a million requests: a 1-in-2^k systematic sample, bounded in size, decoding back', () => {
    const collector = new ArrivalCollector(ORIGIN_US);
    // 5,000 req/s for 200 s; service times 1–10 ms, varied so the encoding sees realistic values.
    for (let i = 0; i < 1_000_000; i++) collector.onOutcome(outcome(i * 200, 1_000 + ((i * 7_919) % 9_000)));
    const { requests, kept, stride } = collector.size;
    expect(requests).toBe(1_000_000);
    expect(kept).toBeLessThanOrEqual(ARRIVALS_CAP);
    expect(kept).toBeGreaterThan(ARRIVALS_CAP / 2);
    expect(Math.log2(stride) % 1).toBe(0);
    expect(kept).toBe(Math.ceil(requests / stride));
    const log = collector.log();
    expect(log).toMatchObject({ count: kept, sampledOneIn: stride, requests: 1_000_000 });
    // The encoded log (both base64 lists) stays well under 300 KB.
    expect(log.intendedUs.length + log.serviceUs.length).toBeLessThan(300_000);
    const decoded = decodeArrivals(log);
    expect(decoded).toHaveLength(kept);
    decoded.forEach((a, k) => {
      const i = k * stride;
      expect(a).toEqual({ atUs: i * 200, serviceUs: 1_000 + ((i * 7_919) % 9_000) });
    });
    const checked = checkResults(JSON.parse(JSON.stringify(knownResult([{ memoryMb: 512, warmUs: 5_000, arrivalLog: log }]))));
    expect(checked.ok).toBe(true);
  });

  it('stays exact below the cap: no sample field, the same log as encoding every request', () => {
    const arrivals = constantStream(1_000, 3_000, 2_500);
    const log = collect(arrivals).log();
    expect(log).toEqual(encodeArrivals(arrivals));
    expect(log.sampledOneIn).toBeUndefined();
    expect(log.requests).toBeUndefined();
  });

  it('sorts outcomes that completed out of order by send time', () => {
    const log = collect([
      { atUs: 500, serviceUs: 10 },
      { atUs: 100, serviceUs: 900 },
      { atUs: 300, serviceUs: 50 },
    ]).log();
    expect(decodeArrivals(log)).toEqual([
      { atUs: 100, serviceUs: 900 },
      { atUs: 300, serviceUs: 50 },
      { atUs: 500, serviceUs: 10 },
    ]);
  });

  it('reads a thinned log through the schema, and refuses one drawn from fewer requests than it holds', () => {
    const log = collect(constantStream(1_000, 1_000, 100), 64).log();
    expect(log.sampledOneIn).toBe(16);
    const bad = checkResults(JSON.parse(JSON.stringify(knownResult([{ memoryMb: 512, warmUs: 5_000, arrivalLog: { ...log, requests: 10 } }]))));
    expect(bad.ok).toBe(false);
  });
});

describe('the keep-alive what-if on a thinned log', () => {
  it('replays the true request count and says once, plainly, where the log was thinned', () => {
    const arrivals = constantStream(60_000, 1_000, 3_500);
    const log = collect(arrivals, 4_096).log();
    expect(log.sampledOneIn).toBe(16);
    const result = knownResult([{ memoryMb: 1024, warmUs: 3_500, warmCount: 60_000, durationMs: 60_000, arrivalLog: log }]);
    const [k] = advise(result).keepAlive;
    const point = k?.curve.find((p) => p.keepAliveMs === 1_000);
    expect(point?.coldStartRate).toBeCloseTo((point?.instanceColdStarts ?? 0) / 60_000, 3);
    const notes = k?.notes.join(' ') ?? '';
    expect(notes).toMatch(/keeps 1 in 16 of its 60,000 requests/);
    const sentence = /Approximate: the arrival log keeps 1 in 16 of its 60,000 requests \(past the cap of [\d,]+ logged arrivals\)|arrivals rebuilt exactly/;
    expect(formatAdvice(advise(result))).toMatch(sentence);
    expect(renderMarkdownSummary(result, advise(result))).toMatch(sentence);
    const exact = advise(knownResult([{ memoryMb: 1024, warmUs: 3_500, warmCount: 60_000, durationMs: 60_000, arrivals }]));
    expect(exact.keepAlive[0]?.notes).toEqual([]);
    expect(formatAdvice(exact)).not.toContain('Approximate');
  });
});

describe('plan --validate on a thinned log', () => {
  // The sample run's phases are constant schedules: the log's requests are exactly what they rebuild to.
  function withLog(requestsDelta = 0) {
    const result = sampleRunResult({ variants: [{}] });
    const variant = result.variants[0]!;
    const collector = new ArrivalCollector(ORIGIN_US, 64);
    for (const p of variant.phases) {
      const phase = variant.variant.phases.find((q) => q.name === p.name) as OpenLoopPhase;
      for (const at of scheduleOffsetsUs(phase)) collector.onOutcome(outcome(p.startMs * 1000 + at, 2_000));
    }
    const log = collector.log();
    const { arrivals: _none, ...plain } = variant;
    return { plain: plain as typeof variant, logged: { ...variant, arrivals: { ...log, requests: (log.requests ?? 0) + requestsDelta } } };
  }

  it('rebuilds the arrivals from the schedules when they hold every logged request, and says so', () => {
    const { plain, logged } = withLog();
    const v = validateVariant(logged, 1);
    expect(v.notes?.join(' ')).toMatch(/keeps 1 in 16 of its 540 requests; arrivals rebuilt exactly/);
    expect(v.predicted).toEqual(validateVariant(plain, 1).predicted);
  });

  it('spreads the sample back out when the schedules do not match, and calls the figures approximate', () => {
    const { logged } = withLog(1);
    const v = validateVariant(logged, 1);
    expect(v.predicted?.requests).toBe(34 * 16);
    expect(formatValidation([v])).toMatch(/approximate: the arrival log keeps 1 in 16 of its 541 requests/);
  });
});
