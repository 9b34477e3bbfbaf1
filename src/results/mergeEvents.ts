import type { HistogramData, VariantResult } from './model.js';
import { mergedOf } from './histogram.js';
import { COUNT_KEYS } from './events.js';

type EventsData = NonNullable<VariantResult['events']>;
type EventsPhase = EventsData['phases'][number];
type StageSet = EventsPhase['stages']['endToEnd'];
type Audit = EventsData['audit'];

// As a run's audit keeps them: the first 50 lost sequences are named, the rest counted.
const LOST_SEQS_KEPT = 50;

/**
 * The event figures of one variant's runs as one: stage histograms added bucket by bucket, counts and audits
 * summed (each run had its own stream, so positions such as lastSeq add up to messages, as counts do), lost
 * sequences listed as each run named them, the audit ok only if every run's was. Stream settings are the first
 * run's: a variant key fixes them.
 */
export function mergeEvents(items: ReadonlyArray<EventsData | undefined>): EventsData | undefined {
  const present = items.filter((e): e is EventsData => e !== undefined);
  const head = present[0];
  if (!head || present.length === 1) return head;
  const byName = new Map<string, EventsPhase[]>();
  for (const e of present) for (const p of e.phases) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return { ...head, phases: [...byName.values()].map(mergePhase), audit: mergeAudits(present.map((e) => e.audit)) };
}

function mergePhase(phases: EventsPhase[]): EventsPhase {
  const head = phases[0]!;
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, phases.reduce((n, p) => n + p[k], 0)])) as Pick<EventsPhase, (typeof COUNT_KEYS)[number]>;
  const stage = (name: keyof EventsPhase['stages']): StageSet => mergeSet(phases.map((p) => p.stages[name]));
  return {
    ...head,
    ...counts,
    stages: { publishAck: stage('publishAck'), toStored: stage('toStored'), storedToDelivered: stage('storedToDelivered'), deliveredToAnswered: stage('deliveredToAnswered'), endToEnd: stage('endToEnd') },
  };
}

function mergeSet(sets: StageSet[]): StageSet {
  const out: StageSet = {};
  for (const kind of ['all', 'cold', 'warm'] as const) {
    const merged: HistogramData | undefined = mergedOf(sets.map((s) => s[kind]));
    if (merged) out[kind] = merged;
  }
  return out;
}

function mergeAudits(audits: Audit[]): Audit {
  const total = (get: (a: Audit) => number): number => audits.reduce((n, a) => n + get(a), 0);
  return {
    published: total((a) => a.published),
    answered: total((a) => a.answered),
    terminated: total((a) => a.terminated),
    lost: total((a) => a.lost),
    lostSeqs: audits.flatMap((a) => a.lostSeqs).slice(0, LOST_SEQS_KEPT),
    unacked: total((a) => a.unacked),
    streamMessages: total((a) => a.streamMessages),
    lastSeq: total((a) => a.lastSeq),
    ackFloor: total((a) => a.ackFloor),
    ok: audits.every((a) => a.ok),
  };
}
