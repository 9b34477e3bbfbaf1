import { describe, expect, it } from 'vitest';
import { ARRIVALS_CAP, ArrivalCollector, decodeArrivals, decodeColumns, encodeArrivals, toColumns, type Arrival } from '../../src/results/arrivals.js';
import type { Outcome } from '../../src/results/recorder.js';
import { replay, type ReplayPolicy } from '../../src/advise/replay.js';
import { advise } from '../../src/advise/index.js';
import { formatAdvice } from '../../src/advise/text.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';
import { checkResults } from '../../src/results/schema.js';
import { mulberry32 } from '../../src/util/prng.js';
import { validateVariant } from '../../src/plan/validate.js';
import { formatValidation } from '../../src/plan/format.js';
import { scheduleOffsetsUs, type OpenLoopPhase } from '../../src/load/schedule.js';
import { referenceReplay } from '../helpers/replayReference.js';
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

describe('replaying a thinned log', () => {
  const policy: ReplayPolicy = { keepAliveMs: 1_000, maxInstances: 50, instanceConcurrency: 1, provisioned: 0, coldStartUs: 500, endUs: 60_000_000 };

  it('on a dense constant stream, starts as many instances as the exact replay, with the same busy time', () => {
    // 1,000 req/s for 60 s, 3.5 ms each: four instances in turn. Thinned 1 in 16: a request every 16 ms holding 56 ms.
    const arrivals = constantStream(60_000, 1_000, 3_500);
    const log = collect(arrivals, 4_096).log();
    expect(log.sampledOneIn).toBe(16);
    const exact = replay(toColumns(arrivals), policy);
    const thinned = replay(decodeColumns(log), { ...policy, weight: log.sampledOneIn ?? 1 });
    expect(exact.instanceColdStarts).toBe(4);
    expect(thinned.instanceColdStarts).toBe(exact.instanceColdStarts);
    expect(thinned.queuedRequests).toBe(0);
    expect(thinned.aliveUs).toBeCloseTo(exact.aliveUs, -6);
    expect(thinned.aliveUs - thinned.idleUs).toBeCloseTo(exact.aliveUs - exact.idleUs, -6);
  });

  it('gives the same figures as the replay before the rewrite on exact logs', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 40; round++) {
      // Bursts and lulls, so instances start, queue, join starting ones and expire.
      const arrivals: Arrival[] = [];
      let t = 0;
      for (let i = 0; i < 400; i++) {
        t += Math.round(random() < 0.1 ? random() * 3_000_000 : random() * 20_000);
        arrivals.push({ atUs: t, serviceUs: Math.round(random() * 60_000) });
      }
      const p = {
        keepAliveMs: [0, 40, 250, 1_000, 5_000][round % 5]!,
        maxInstances: [1, 3, 8][round % 3]!,
        instanceConcurrency: [1, 2, 4][Math.floor(round / 3) % 3]!,
        provisioned: round % 4 === 0 ? 1 : 0,
        coldStartUs: round % 2 === 0 ? 150_000 : [90_000, 200_000, 120_000],
        endUs: t + 1_000_000,
      };
      expect(replay(toColumns(arrivals), p), JSON.stringify(p)).toEqual(referenceReplay(arrivals, p));
    }
  });

  it('counts requests and rates on the true request count, and says the replay ran on a sample', () => {
    const arrivals = constantStream(60_000, 1_000, 3_500);
    const log = collect(arrivals, 4_096).log();
    const result = knownResult([{ memoryMb: 1024, warmUs: 3_500, warmCount: 60_000, durationMs: 60_000, arrivalLog: log }]);
    const [k] = advise(result).keepAlive;
    expect(k?.requests).toBe(60_000);
    expect(k?.sampledOneIn).toBe(16);
    const point = k?.curve.find((p) => p.keepAliveMs === 1_000);
    expect(point?.coldStartRate).toBeCloseTo((point?.instanceColdStarts ?? 0) / 60_000, 12);
    const sentence = 'Approximate: replayed on a 1-in-16 sample of the 60,000 requests';
    expect(formatAdvice(advise(result))).toContain(sentence);
    expect(renderMarkdownSummary(result, advise(result))).toContain(sentence);
    const exact = advise(knownResult([{ memoryMb: 1024, warmUs: 3_500, warmCount: 60_000, durationMs: 60_000, arrivals }]));
    expect(exact.keepAlive[0]?.sampledOneIn).toBeUndefined();
    expect(formatAdvice(exact)).not.toContain('Approximate');
    // From 125 ms up the instances stay warm and both replays keep four. At keep-alive 0 every gap expires an
    // instance: the exact replay starts 6,003, the thinned one at most one per kept request (3,750).
    const colds = (a: typeof k): number[][] => a?.curve.map((p) => [p.keepAliveMs, p.instanceColdStarts]) ?? [];
    expect(colds(exact.keepAlive[0]).slice(1)).toEqual(colds(k).slice(1));
    expect(colds(k)[0]).toEqual([0, 3_750]);
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
    expect(v.arrivalsNote).toMatch(/keeps 1 in 16 of its 540 requests; arrivals rebuilt exactly/);
    expect(v.predicted).toEqual(validateVariant(plain, 1).predicted);
  });

  it('spreads the sample back out when the schedules do not match, and calls the figures approximate', () => {
    const { logged } = withLog(1);
    const v = validateVariant(logged, 1);
    expect(v.predicted?.requests).toBe(34 * 16);
    expect(formatValidation([v])).toMatch(/approximate: the arrival log keeps 1 in 16 of its 541 requests/);
  });
});
