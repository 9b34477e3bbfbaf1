import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/results/merge.js';
import { newHistogram, recordUs, toData } from '../../src/results/histogram.js';
import { COUNT_KEYS } from '../../src/results/events.js';
import type { HistogramData, RunResult, VariantResult } from '../../src/results/model.js';
import { buildSample } from '../helpers/sampleResult.js';
import { advise } from '../../src/advise/index.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';

type EventsData = NonNullable<VariantResult['events']>;

const histogram = (values: number[]): HistogramData => {
  const h = newHistogram();
  for (const us of values) recordUs(h, us);
  return toData(h);
};

// One run's event figures: one phase, `n` messages all answered warm at `us` each, `lost` of them lost.
function events(n: number, us: number, lost: number[]): EventsData {
  const set = { all: histogram(Array.from({ length: n }, () => us)), warm: histogram(Array.from({ length: n }, () => us)) };
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Record<(typeof COUNT_KEYS)[number], number>;
  return {
    server: { url: 'nats://127.0.0.1:4222', own: true },
    stream: 's',
    consumer: 'c',
    subject: 'x',
    ackWaitMs: 1000,
    maxAckPending: 10,
    onFailure: 'nak',
    phases: [{ name: 'steady', ...counts, published: n, answered: n - lost.length, answeredWarm: n - lost.length, stages: { publishAck: set, toStored: set, storedToDelivered: set, deliveredToAnswered: set, endToEnd: set } }],
    audit: { published: n, answered: n - lost.length, terminated: 0, lost: lost.length, lostSeqs: lost, unacked: 0, streamMessages: n, lastSeq: n, ackFloor: n, ok: lost.length === 0 },
  };
}

function withEvents(seed: number, runId: string, e: EventsData): RunResult {
  const { result } = buildSample({ seed, runId, variants: [{}] });
  const [v] = result.variants;
  if (!v) throw new Error('no variant');
  return { ...result, variants: [{ ...v, events: e, sandbox: { sandbox: 'process' } }] };
}

describe('merging runs with event phases', () => {
  it('adds the stage histograms and counts, and keeps the audit honest (ok only if every run was)', () => {
    const merged = mergeResults([withEvents(1, 'run-a', events(100, 2_000, [])), withEvents(2, 'run-b', events(50, 8_000, [7, 9]))]);
    const v = merged.variants[0];
    expect(v?.sandbox).toEqual({ sandbox: 'process' });
    const phase = v?.events?.phases[0];
    expect(phase?.published).toBe(150);
    expect(phase?.answered).toBe(148);
    expect(phase?.stages.endToEnd.all?.count).toBe(150);
    // Percentiles from the added buckets: a third of the messages took 8 ms.
    expect(phase?.stages.endToEnd.all?.p99Us).toBeGreaterThanOrEqual(7_900);
    expect(phase?.stages.endToEnd.all?.p50Us).toBeLessThan(2_100);
    expect(v?.events?.audit).toMatchObject({ published: 150, lost: 2, lostSeqs: [7, 9], ok: false });
  });

  it("puts the trigger's line and the audit's verdict in the CI job's Markdown summary", () => {
    const result = withEvents(1, 'run-a', events(40, 2_000, [3]));
    const markdown = renderMarkdownSummary(result, advise(result));
    expect(markdown).toMatch(/events: 40 published, 39 answered.*audit: 1 LOST/);
  });
});
