import type { COUNT_KEYS } from './events.js';
import type { VariantResult } from './model.js';
import { newHistogram, recordUs, toData, type Histogram } from './histogram.js';

/** A variant's `events` (results/events.ts), its phases, one stage's histograms, the counts: derived from the schema. */
export type EventsData = NonNullable<VariantResult['events']>;
export type EventsPhaseData = EventsData['phases'][number];
export type StageData = EventsPhaseData['stages']['endToEnd'];
export type EventCounts = Record<(typeof COUNT_KEYS)[number], number>;
export type EventsAudit = EventsData['audit'];

/** When one message passed each point, µs on the nowUs() clock (0: not reached). */
export interface MessageTimes {
  intendedUs: number;
  ackUs: number;
  storedUs: number;
  deliveredUs: number;
  answeredUs: number;
  /** How the first successful invocation was served. */
  start?: 'cold' | 'warm' | undefined;
}

class StageRecorder {
  private readonly all = newHistogram();
  private readonly cold = newHistogram();
  private readonly warm = newHistogram();

  add(us: number, start: 'cold' | 'warm' | undefined): void {
    // A stage the clocks put a hair below zero (the stream's clock against ours) counts as the smallest value.
    const value = Math.max(0, us);
    recordUs(this.all, value);
    if (start === 'cold') recordUs(this.cold, value);
    else if (start === 'warm') recordUs(this.warm, value);
  }

  data(): StageData {
    const out: StageData = {};
    const put = (key: keyof StageData, h: Histogram): void => {
      if (h.totalCount > 0) out[key] = toData(h);
    };
    put('all', this.all);
    put('cold', this.cold);
    put('warm', this.warm);
    return out;
  }
}

const zeroCounts = (): EventCounts => ({
  scheduled: 0,
  published: 0,
  publishErrors: 0,
  answered: 0,
  answeredCold: 0,
  answeredWarm: 0,
  deliveries: 0,
  redeliveries: 0,
  invocations: 0,
  duplicateInvocations: 0,
  duplicateMessages: 0,
  failedInvocations: 0,
  acks: 0,
  naks: 0,
  terms: 0,
});

/** One event phase's stage histograms and trigger counts; the trigger and the publisher fill `counts` as things happen. */
export class EventsPhaseRecorder {
  readonly counts: EventCounts = zeroCounts();
  private readonly stages = {
    publishAck: new StageRecorder(),
    toStored: new StageRecorder(),
    storedToDelivered: new StageRecorder(),
    deliveredToAnswered: new StageRecorder(),
    endToEnd: new StageRecorder(),
  };

  constructor(readonly name: string) {}

  /** A message's first successful answer: every stage of it at once, cold or warm by how it was served. */
  answered(m: MessageTimes): void {
    this.counts.answered++;
    if (m.start === 'cold') this.counts.answeredCold++;
    else if (m.start === 'warm') this.counts.answeredWarm++;
    if (m.ackUs > 0) this.stages.publishAck.add(m.ackUs - m.intendedUs, m.start);
    this.stages.toStored.add(m.storedUs - m.intendedUs, m.start);
    this.stages.storedToDelivered.add(m.deliveredUs - m.storedUs, m.start);
    this.stages.deliveredToAnswered.add(m.answeredUs - m.deliveredUs, m.start);
    this.stages.endToEnd.add(m.answeredUs - m.intendedUs, m.start);
  }

  /** A PubAck that came back after the message was already answered (the trigger can beat the publisher). */
  lateAck(m: MessageTimes): void {
    this.stages.publishAck.add(m.ackUs - m.intendedUs, m.start);
  }

  /** A message never answered still had its PubAck: kept, in `all` only. */
  unanswered(m: Pick<MessageTimes, 'intendedUs' | 'ackUs'>): void {
    if (m.ackUs > 0) this.stages.publishAck.add(m.ackUs - m.intendedUs, undefined);
  }

  finish(): EventsPhaseData {
    const stages: EventsPhaseData['stages'] = {
      publishAck: this.stages.publishAck.data(),
      toStored: this.stages.toStored.data(),
      storedToDelivered: this.stages.storedToDelivered.data(),
      deliveredToAnswered: this.stages.deliveredToAnswered.data(),
      endToEnd: this.stages.endToEnd.data(),
    };
    return { name: this.name, ...this.counts, stages };
  }
}
