import { describe, expect, it } from 'vitest';
import { advise } from '../../src/advise/index.js';
import { formatAdvice } from '../../src/advise/text.js';
import { decodeArrivals, encodeArrivals } from '../../src/results/arrivals.js';
import { simulate } from '../../src/plan/simulate.js';
import { fixed } from '../../src/plan/distribution.js';
import { fromOffsets } from '../../src/plan/arrivals.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';
import { upgradeResults } from '../../src/results/upgrade.js';
import { checkResults } from '../../src/results/schema.js';
import { instance, knownResult, type KnownVariant } from '../helpers/adviceResult.js';

// Warm latencies chosen so HDR's 3-digit buckets end just below a whole millisecond (billed ms stay exact):
// 99,950 µs bills 100 ms, 49,960 → 50, 19,990 → 20, 11,995 → 12.
const SIZES: KnownVariant[] = [
  { memoryMb: 128, warmUs: 99_950 },
  { memoryMb: 256, warmUs: 49_960 },
  { memoryMb: 512, warmUs: 19_990 },
  { memoryMb: 1024, warmUs: 11_995 },
];

describe('memory-size picks on results with known figures', () => {
  it('prices each size by hand and picks cheapest, fastest and balanced', () => {
    const advice = advise(knownResult(SIZES, { balancedWeight: 0.9 }));
    const [memory] = advice.memory;
    if (!memory) throw new Error('no memory advice');
    // GB × s × 0.0000166667 + 0.0000002, per million: 128 MB × 100 ms = 0.0125 GB-s → 0.408334; 256 × 50 → same;
    // 512 × 20 = 0.01 GB-s → 0.366667; 1024 × 12 = 0.012 GB-s → 0.400000.
    expect(memory.rows.map((r) => Number(r.cost.costPerMillionRequestsUsd.toFixed(6)))).toEqual([0.408334, 0.408334, 0.366667, 0.4]);
    expect(memory.rows.map((r) => r.cost.billedMs)).toEqual([100, 50, 20, 12]);
    expect(memory.picks.cheapest.memoryMb).toBe(512);
    expect(memory.picks.fastest.memoryMb).toBe(1024);
    // w = 0.9: 512 scores 0.9 × 0.8980 + 0.1 × 0.2 = 0.828; 1024: 0.9 × 0.9796 + 0.1 × 0.12 = 0.894.
    expect(memory.picks.balanced.memoryMb).toBe(512);
    // w = 0.2: 512 scores 0.2 × 0.8980 + 0.8 × 0.2 = 0.340; 1024: 0.2 × 0.9796 + 0.8 × 0.12 = 0.292.
    expect(advise(knownResult(SIZES, { balancedWeight: 0.2 })).memory[0]?.picks.balanced.memoryMb).toBe(1024);
  });

  it('shows picks that miss the P99 target as missing it', () => {
    const advice = advise(knownResult(SIZES, { balancedWeight: 1, p99TargetMs: 30 }));
    const memory = advice.memory[0]!;
    expect(memory.rows.map((r) => r.meetsTarget)).toEqual([false, false, true, true]);
    expect(memory.picks.cheapest).toMatchObject({ memoryMb: 512, meetsTarget: true });
    const cheapOnly = advise(knownResult(SIZES.slice(0, 2), { p99TargetMs: 30 }));
    expect(formatAdvice(cheapOnly)).toContain('MISSES the 30 ms target');
  });

  it('names the prices and their date next to every cost', () => {
    const text = formatAdvice(advise(knownResult(SIZES)));
    expect(text).toContain('AWS Lambda x86, us-east-1, public list prices, as of 2026-11-24');
    expect(text).toContain('not a bill');
  });
});

describe('picks that respect noise', () => {
  it('calls P99s within the run\'s noise indistinguishable, picks the cheapest of them, and says how many repetitions would tell them apart', () => {
    // 1,000 warm requests each, spread over 10 ms: the P99s differ by 30 µs, inside their 95% bands (about ±60 µs).
    const advice = advise(knownResult([
      { memoryMb: 512, warmUs: 10_000, warmSpreadUs: 10_000, warmCount: 1_000 },
      { memoryMb: 1024, warmUs: 9_970, warmSpreadUs: 10_000, warmCount: 1_000 },
    ]));
    const fastest = advice.memory[0]!.picks.fastest;
    expect(fastest.indistinguishable).toEqual([512, 1024]);
    expect(fastest.memoryMb).toBe(512);
    expect(fastest.repetitionsNeeded).toBeGreaterThan(1);
    expect(formatAdvice(advice)).toMatch(/512, 1024 MB are indistinguishable by P99 within this run's noise, so the cheapest of them; about \d+ repetitions would tell them apart/);
  });

  it('keeps a difference larger than the noise', () => {
    const advice = advise(knownResult([
      { memoryMb: 512, warmUs: 20_000, warmSpreadUs: 1_000, warmCount: 1_000 },
      { memoryMb: 1024, warmUs: 10_000, warmSpreadUs: 1_000, warmCount: 1_000 },
    ]));
    const fastest = advice.memory[0]!.picks.fastest;
    expect(fastest).toMatchObject({ memoryMb: 1024 });
    expect(fastest.indistinguishable).toBeUndefined();
  });
});

describe('never from invalid data', () => {
  it('leaves invalid and failed variants out, and says so', () => {
    const advice = advise(knownResult([SIZES[0]!, { ...SIZES[1]!, status: 'invalid' }, SIZES[2]!, { ...SIZES[3]!, status: 'failed' }]));
    expect(advice.memory[0]?.rows.map((r) => r.memoryMb)).toEqual([128, 512]);
    expect(advice.excluded.map((e) => [e.variant.split('/')[1], e.status])).toEqual([
      ['mem=256', 'invalid'],
      ['mem=1024', 'failed'],
    ]);
  });

  it('says what to add to the matrix when a dimension has fewer than two valid values', () => {
    const advice = advise(knownResult([SIZES[2]!, { ...SIZES[3]!, status: 'invalid' }]));
    expect(advice.memory).toEqual([]);
    const memoryHint = advice.missing.find((m) => m.includes('memory-size'));
    expect(memoryHint).toContain('only 512 MB valid');
    expect(memoryHint).toContain('1024 MB was invalid: re-run it');
    expect(memoryHint).toContain('Add memoryMb: [128, 256, 512, 1024] to the matrix');
    expect(advice.missing.some((m) => m.includes('provisionedConcurrency: [0, 1]'))).toBe(true);
    expect(formatAdvice(advice)).toContain('Not used (1 variant(s) invalid or failed');
  });
});

describe('warm pool', () => {
  it('picks the smallest provisioned concurrency without cold starts in the phase, with its idle cost and break-even', () => {
    const result = knownResult(
      [
        { memoryMb: 512, warmUs: 19_990, instances: [instance('i1', 1_000), instance('i2', 5_000)] },
        { memoryMb: 512, provisioned: 1, warmUs: 19_990, instances: [instance('i1', 0, { provisioned: true, requests: 100, stoppedAtMs: 10_000 })] },
      ],
      { warmPoolPhase: 'steady' },
    );
    const [pool] = advise(result).warmPool;
    expect(pool?.rows.map((r) => [r.provisioned, r.instanceColdStarts])).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(pool?.recommendation).toEqual({ provisioned: 1, basis: 'measured' });
    expect(pool?.predicted.slice(0, 2).map((p) => [p.provisioned, p.basis])).toEqual([
      [0, 'measured'],
      [1, 'measured'],
    ]);
    // 0.5 GB × 3,600 s × 0.0000041667 = 0.00750006 per hour; × 730 = 5.4750438 per month.
    expect(pool?.rows[1]?.idleCostPerHour).toBeCloseTo(0.00750006, 10);
    expect(pool?.predicted[1]?.idleCostPerMonthUsd).toBeCloseTo(5.4750438, 6);
    // 100 requests × 20 billed ms = 2 s busy of 9.9 s ready.
    expect(pool?.rows[1]?.utilization).toBeCloseTo(2 / 9.9, 6);
    expect(pool?.breakEvenUtilization).toBeCloseTo(0.6, 3);
  });
});

describe('keep-alive replay', () => {
  it('round-trips the arrival log exactly, and a version-1 file is replayed from its schedules', () => {
    const arrivals = [
      { atUs: 0, serviceUs: 1_200 },
      { atUs: 250_000, serviceUs: 800 },
      { atUs: 2 ** 33, serviceUs: 5 },
    ];
    const log = encodeArrivals(arrivals);
    expect(decodeArrivals(log)).toEqual(arrivals);
    const v2 = knownResult([SIZES[0]!]);
    const v1 = upgradeResults({ ...v2, schemaVersion: 1, prices: undefined, advice: undefined }, 1);
    const checked = checkResults(JSON.parse(JSON.stringify(v1)));
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    // Without a log the phases' seeded schedules stand in: the same arrivals the sender used.
    expect(advise(checked.result).keepAlive).toHaveLength(1);
  });

  it('replays through the planner\'s simulator: keep-alive expiry, provisioned instances, joining starts', () => {
    // Starts take 200 ms, requests 10 ms; expiry exact (no reaper ticks).
    const run = (keepAliveMs: number, change: { provisioned?: number; instanceConcurrency?: number } = {}) =>
      simulate({
        policy: { maxInstances: 4, instanceConcurrency: 1, provisioned: 0, keepAliveMs, ...change },
        nextArrival: fromOffsets([0, 100_000, 5_000_000]),
        warm: fixed(10),
        cold: fixed(210),
        seed: 1,
        horizonUs: 10_000_000,
      });
    // 0 starts an instance (ready at 200 ms); 100 ms arrives while it starts and is full → a second start; 5 s: both reaped.
    expect(run(1_000)).toMatchObject({ instanceStarts: 3, coldRequests: 3 });
    expect(run(10_000)).toMatchObject({ instanceStarts: 2 });
    // One provisioned instance serves all three: each request ends (10 ms) before the next arrives.
    expect(run(1_000, { provisioned: 1 })).toMatchObject({ instanceStarts: 0 });
    expect(run(1_000, { instanceConcurrency: 2 })).toMatchObject({ instanceStarts: 2, coldRequests: 3 });
  });

  it('puts the measured point and the curve into the advice', () => {
    const arrivals = [0, 3_000_000, 6_000_000].map((atUs) => ({ atUs, serviceUs: 10_000 }));
    const instances = [instance('i1', 0, { stoppedAtMs: 1_250 }), instance('i2', 3_000, { stoppedAtMs: 4_250 }), instance('i3', 6_000, { stoppedAtMs: 7_250 })];
    const [k] = advise(knownResult([{ memoryMb: 1024, warmUs: 10_000, warmCount: 3, instances, arrivals }])).keepAlive;
    expect(k?.measured.instanceColdStarts).toBe(3);
    expect(k?.curve.find((p) => p.keepAliveMs === 1_000)?.instanceColdStarts).toBe(3);
    // Gaps of 3 s: a keep-alive of 4 s or more keeps the one instance.
    expect(k?.curve.find((p) => p.keepAliveMs === 4_000)?.instanceColdStarts).toBe(1);
    expect(k?.recommendation).toMatchObject({ keepAliveMs: 4_000, basis: 'predicted' });
    // At its own keep-alive the replay counts what the run measured.
    expect(k?.replayed.instanceColdStarts).toBe(k?.measured.instanceColdStarts);
  });
});

describe('Markdown summary', () => {
  it('holds the variants and the recommendations, pipes escaped', () => {
    const result = knownResult(SIZES);
    result.scenario.name = 'a | b';
    const md = renderMarkdownSummary(result, advise(result));
    expect(md).toContain('## coldlab: a | b');
    expect(md).toContain('### Recommendations');
    expect(md).toMatch(/\| 1 \| ok \| 128 MB/);
    expect(md).toContain('- cheapest 512 MB');
  });
});
