import type { ArrivalLog } from './model.js';
import type { Outcome } from './recorder.js';

/**
 * Every request a variant sent, kept compactly so the keep-alive what-if can replay the run's own
 * arrivals: the intended send time (µs from the variant's start, ascending, stored as deltas) and how
 * long the request held its instance (µs, response time minus the wait for an instance), each list as
 * unsigned LEB128 varints in base64. A 10,000-request variant takes about 40 KB.
 */
export const ARRIVALS_ENCODING = 'delta-varint-base64' as const;

/** One replayable request. */
export interface Arrival {
  /** Intended send time, µs from the variant's start. */
  atUs: number;
  /** Time the request kept an instance busy, µs. */
  serviceUs: number;
}

export function encodeArrivals(arrivals: readonly Arrival[]): ArrivalLog {
  const sorted = [...arrivals].sort((a, b) => a.atUs - b.atUs);
  let previous = 0;
  const deltas = sorted.map((a) => {
    const at = Math.max(previous, Math.round(a.atUs));
    const delta = at - previous;
    previous = at;
    return delta;
  });
  return {
    encoding: ARRIVALS_ENCODING,
    count: sorted.length,
    intendedUs: encodeVarints(deltas),
    serviceUs: encodeVarints(sorted.map((a) => Math.max(0, Math.round(a.serviceUs)))),
  };
}

/** The arrivals back, in send order; throws on a log that does not decode to `count` entries. */
export function decodeArrivals(log: ArrivalLog): Arrival[] {
  const deltas = decodeVarints(log.intendedUs);
  const service = decodeVarints(log.serviceUs);
  if (deltas.length !== log.count || service.length !== log.count) {
    throw new Error(`arrival log holds ${deltas.length} send times and ${service.length} service times, expected ${log.count}`);
  }
  let at = 0;
  return deltas.map((delta, i) => {
    at += delta;
    return { atUs: at, serviceUs: service[i] ?? 0 };
  });
}

/** Collects arrivals from the outcomes of a variant's phases (outcomes come in completion order; encoding sorts). */
export class ArrivalCollector {
  private readonly arrivals: Arrival[] = [];
  constructor(private readonly originUs: number) {}

  onOutcome(o: Outcome): void {
    // The wait for an instance (a cold start, the queue) is not time the instance spent on the request.
    const waitUs = o.tags?.queueUs ?? 0;
    this.arrivals.push({ atUs: Math.max(0, o.intendedUs - this.originUs), serviceUs: Math.max(0, o.endUs - o.sentUs - waitUs) });
  }

  log(): ArrivalLog {
    return encodeArrivals(this.arrivals);
  }
}

function encodeVarints(values: readonly number[]): string {
  const bytes: number[] = [];
  for (const value of values) {
    // Division, not bit shifts: shifts truncate to 32 bits and a send time can pass 2^32 µs (71 min).
    let rest = Math.max(0, Math.floor(value));
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  }
  return Buffer.from(bytes).toString('base64');
}

function decodeVarints(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
    } else {
      values.push(value);
      value = 0;
      scale = 1;
    }
  }
  return values;
}
