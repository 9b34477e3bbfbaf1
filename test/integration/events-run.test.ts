import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readResults } from '../../src/results/store.js';
import type { RunResult, VariantResult } from '../../src/results/model.js';
import type { EventsPhaseData, StageData } from '../../src/results/eventsRecorder.js';
import { captureIO } from '../helpers/io.js';

// Event phases end to end on a real nats-server (started by coldlab) and real process instances: invariants, not timings.
let out: string;
let result: RunResult;
let code: number;
const INIT_MS = 700;

const byAckWait = (ms: number): VariantResult => {
  const v = result.variants.find((x) => x.variant.ackWaitMs === ms);
  if (!v) throw new Error(`no variant with ackWaitMs ${ms}`);
  return v;
};
const eventsPhase = (v: VariantResult, name: string): EventsPhaseData => {
  const p = v.events?.phases.find((x) => x.name === name);
  if (!p) throw new Error(`no events phase ${name}`);
  return p;
};

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'coldlab-events-'));
  const io = captureIO();
  code = await main(['run', 'test/data/runs/events-cold.yaml', '--out', out, '--json'], io);
  const line = io.stdout().trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`no JSON output; stderr:\n${io.stderr()}`);
  result = await readResults((JSON.parse(line) as { results: string }).results);
}, 90_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('event phases on a real NATS JetStream', () => {
  it('runs both ack waits, loses nothing, and removes its streams', () => {
    expect(code).not.toBe(1);
    expect(result.variants).toHaveLength(2);
    for (const v of result.variants) {
      expect(v.status).not.toBe('failed');
      const audit = v.events?.audit;
      // What the publisher sent (26 on schedule; a publisher held up past a phase's end does not send late).
      const sent = v.phases.filter((p) => p.kind === 'events').reduce((t, p) => t + p.sent, 0);
      expect(sent).toBeGreaterThan(20);
      expect(audit).toMatchObject({ lost: 0, unacked: 0, ok: true, published: sent, answered: sent });
      expect(v.events?.stream).toMatch(new RegExp(`^EVT-p${process.pid}-${result.runId}-v\\d$`));
    }
  });

  it('a burst into an empty platform gives cold end-to-end latencies whose stages add up', () => {
    const burst = eventsPhase(byAckWait(20_000), 'burst');
    expect(burst.answeredCold).toBeGreaterThan(0);
    const { endToEnd } = burst.stages;
    const cold = endToEnd.cold;
    expect(cold?.count).toBe(burst.answeredCold);
    // The function's init sleeps INIT_MS: a message served by a cold start cannot have been answered sooner.
    expect(cold?.minUs ?? 0).toBeGreaterThanOrEqual(INIT_MS * 1000);
    for (const kind of ['all', 'cold', 'warm'] as const) {
      const parts = (['toStored', 'storedToDelivered', 'deliveredToAnswered'] as const).map((s) => (burst.stages[s] as StageData)[kind]);
      const whole = endToEnd[kind];
      if (!whole) continue;
      const sum = parts.reduce((total, h) => total + (h?.meanUs ?? 0), 0);
      // Each stage is a recorded integer histogram (3 significant digits): the means agree within their rounding.
      expect(Math.abs(sum - whole.meanUs)).toBeLessThanOrEqual(whole.meanUs * 0.005 + 5);
      expect(parts.every((h) => h?.count === whole.count)).toBe(true);
    }
    // The phase's request figures come from the same messages.
    const phase = byAckWait(20_000).phases.find((p) => p.name === 'burst');
    expect(phase?.kind).toBe('events');
    expect(phase?.latency.cold?.corrected.count).toBe(burst.answeredCold);
  });

  it('an ack wait shorter than the cold start redelivers, and the duplicate invocations are counted', () => {
    const long = byAckWait(20_000);
    const short = byAckWait(150);
    const sum = (v: VariantResult, key: 'redeliveries' | 'duplicateInvocations' | 'invocations' | 'duplicateMessages') => (v.events?.phases ?? []).reduce((t, p) => t + p[key], 0);
    expect(sum(long, 'redeliveries')).toBe(0);
    expect(sum(long, 'duplicateInvocations')).toBe(0);
    const burst = eventsPhase(short, 'burst');
    expect(burst.redeliveries).toBeGreaterThan(0);
    expect(burst.duplicateInvocations).toBeGreaterThan(0);
    expect(burst.duplicateMessages).toBeGreaterThan(0);
    expect(burst.duplicateMessages).toBeLessThanOrEqual(burst.published);
    // Counted by message id: every invocation beyond a message's first is a duplicate (this function never fails).
    expect(burst.failedInvocations).toBe(0);
    expect(burst.invocations).toBe(burst.answered + burst.duplicateInvocations);
    // The platform saw each of them: the instances served exactly as many requests as the trigger made.
    for (const v of [long, short]) expect(v.instances.reduce((t, i) => t + i.requests, 0)).toBe(sum(v, 'invocations'));
  });
});
