import type { ArrivalLog } from './model.js';
import type { Outcome } from './recorder.js';

/**
 * The requests a variant sent, kept compactly so the keep-alive what-if can replay the run's own
 * arrivals: the intended send time (µs from the variant's start, ascending, stored as deltas) and how
 * long the request held its instance (µs, response time minus the wait for an instance), each list as
 * unsigned LEB128 varints in base64. A 10,000-request variant takes about 40 KB. A long run keeps a
 * systematic 1-in-w sample instead (see ArrivalCollector), so the log never passes ARRIVALS_CAP entries.
 */
export const ARRIVALS_ENCODING = 'delta-varint-base64' as const;

/**
 * Most entries a log holds. At 3 bytes per send-time delta and 2 per service time (gaps of 16 ms to 2 s,
 * services under 16 ms, what a thinned dense run gives), base64 makes that about 220 KB per variant.
 */
export const ARRIVALS_CAP = 32_768;

/** One replayable request. */
export interface Arrival {
  /** Intended send time, µs from the variant's start. */
  atUs: number;
  /** Time the request kept an instance busy, µs. */
  serviceUs: number;
}

/** A decoded log as two columns, in send order: what the replays read, without an object per request. */
export interface ArrivalColumns {
  atUs: Float64Array;
  serviceUs: Float64Array;
}

/** A log that keeps 1 request in `oneIn` of the `requests` the variant sent. */
export interface ArrivalSample {
  oneIn: number;
  requests: number;
}

/** Requests each entry of the log stands for: 1 unless the log was thinned. */
export const sampleWeight = (log: ArrivalLog): number => log.sampledOneIn ?? 1;

/** Requests the variant really sent (an exact log's entry count). */
export const loggedRequests = (log: ArrivalLog): number => log.requests ?? log.count;

export function encodeArrivals(arrivals: readonly Arrival[], sample?: ArrivalSample): ArrivalLog {
  const { atUs, serviceUs } = toColumns(arrivals);
  return encodeColumns(atUs, serviceUs, arrivals.length, sample);
}

/** The first `n` entries of two columns (any order: sorted by send time here) as a log. */
export function encodeColumns(atUs: Float64Array, serviceUs: Float64Array, n: number, sample?: ArrivalSample): ArrivalLog {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (atUs[a] ?? 0) - (atUs[b] ?? 0) || a - b);
  const deltas = new Float64Array(n);
  const service = new Float64Array(n);
  let previous = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] ?? 0;
    const at = Math.max(previous, Math.round(atUs[i] ?? 0));
    deltas[k] = at - previous;
    previous = at;
    service[k] = Math.max(0, Math.round(serviceUs[i] ?? 0));
  }
  const thinned = sample !== undefined && sample.oneIn > 1;
  return {
    encoding: ARRIVALS_ENCODING,
    count: n,
    intendedUs: encodeVarints(deltas),
    serviceUs: encodeVarints(service),
    ...(thinned ? { sampledOneIn: sample.oneIn, requests: sample.requests } : {}),
  };
}

/** The arrivals back as columns, in send order; throws on a log that does not decode to `count` entries. */
export function decodeColumns(log: ArrivalLog): ArrivalColumns {
  const atUs = decodeVarints(log.intendedUs);
  const serviceUs = decodeVarints(log.serviceUs);
  if (atUs.length !== log.count || serviceUs.length !== log.count) {
    throw new Error(`arrival log holds ${atUs.length} send times and ${serviceUs.length} service times, expected ${log.count}`);
  }
  for (let i = 1; i < atUs.length; i++) atUs[i] = (atUs[i] ?? 0) + (atUs[i - 1] ?? 0);
  return { atUs, serviceUs };
}

/** Arrivals as the columns a replay reads, in the order given. */
export function toColumns(arrivals: readonly Arrival[]): ArrivalColumns {
  return { atUs: Float64Array.from(arrivals, (a) => a.atUs), serviceUs: Float64Array.from(arrivals, (a) => a.serviceUs) };
}

/** The arrivals back, in send order, one object each (small logs and tests; replays read columns). */
export function decodeArrivals(log: ArrivalLog): Arrival[] {
  const { atUs, serviceUs } = decodeColumns(log);
  return Array.from(atUs, (at, i) => ({ atUs: at, serviceUs: serviceUs[i] ?? 0 }));
}

/**
 * Collects arrivals from the outcomes of a variant's phases (in completion order; encoding sorts) into fixed
 * arrays of `cap` entries, so its memory does not grow with the run. When they fill, every other entry is
 * dropped and the stride doubles: from then on the k-th outcome is kept only if k is a multiple of the
 * stride, a systematic 1-in-stride sample of the requests.
 */
export class ArrivalCollector {
  private readonly atUs: Float64Array;
  private readonly serviceUs: Float64Array;
  private kept = 0;
  private seen = 0;
  private strideOf = 1;

  constructor(
    private readonly originUs: number,
    private readonly cap = ARRIVALS_CAP,
  ) {
    // Even, so after halving a full buffer the next kept index (cap × stride) is a multiple of the new stride.
    if (!Number.isInteger(cap) || cap < 2 || cap % 2 !== 0) throw new Error(`arrival cap must be an even integer ≥ 2, got ${cap}`);
    this.atUs = new Float64Array(cap);
    this.serviceUs = new Float64Array(cap);
  }

  onOutcome(o: Outcome): void {
    const index = this.seen++;
    if (index % this.strideOf !== 0) return;
    if (this.kept === this.cap) this.decimate();
    if (index % this.strideOf !== 0) return;
    // The wait for an instance (a cold start, the queue) is not time the instance spent on the request.
    const waitUs = o.tags?.queueUs ?? 0;
    this.atUs[this.kept] = Math.max(0, o.intendedUs - this.originUs);
    this.serviceUs[this.kept] = Math.max(0, o.endUs - o.sentUs - waitUs);
    this.kept++;
  }

  /** Requests seen, entries kept, and the stride (1 = every request). */
  get size(): { requests: number; kept: number; stride: number } {
    return { requests: this.seen, kept: this.kept, stride: this.strideOf };
  }

  log(): ArrivalLog {
    return encodeColumns(this.atUs, this.serviceUs, this.kept, { oneIn: this.strideOf, requests: this.seen });
  }

  // Keeps entries 0, 2, 4…: the outcomes whose index is a multiple of twice the stride.
  private decimate(): void {
    let to = 0;
    for (let from = 0; from < this.kept; from += 2, to++) {
      this.atUs[to] = this.atUs[from] ?? 0;
      this.serviceUs[to] = this.serviceUs[from] ?? 0;
    }
    this.kept = to;
    this.strideOf *= 2;
  }
}

function encodeVarints(values: Float64Array): string {
  // A safe integer (< 2^53) takes at most 8 bytes of 7 bits.
  const bytes = Buffer.allocUnsafe(values.length * 8);
  let at = 0;
  for (const value of values) {
    // Division, not bit shifts: shifts truncate to 32 bits and a send time can pass 2^32 µs (71 min).
    let rest = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(value)));
    while (rest >= 0x80) {
      bytes[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    bytes[at++] = rest;
  }
  return bytes.subarray(0, at).toString('base64');
}

function decodeVarints(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  let n = 0;
  for (const byte of bytes) if ((byte & 0x80) === 0) n++;
  const values = new Float64Array(n);
  let value = 0;
  let scale = 1;
  let i = 0;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
    } else {
      values[i++] = value;
      value = 0;
      scale = 1;
    }
  }
  return values;
}
