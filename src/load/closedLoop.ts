import autocannon from 'autocannon';
import type { Phase } from '../scenario/schema.js';
import type { Outcome } from '../results/recorder.js';
import { nowUs } from '../util/clock.js';
import { ColdlabError } from '../util/errors.js';
import { classifyResponse, headersFromRaw } from './classify.js';
import type { SenderOptions } from './openLoop.js';

type SaturatePhase = Extract<Phase, { kind: 'saturate' }>;

// autocannon only notices its stop flag on a sample tick; a short tick ends the phase close to on time.
const SAMPLE_INTERVAL_MS = 100;

/**
 * Saturation: each of `connections` sends its next request when the previous one answered (closed loop by
 * design, so no rate and no coordinated-omission correction: corrected = uncorrected). autocannon's own
 * histograms drop timeouts and tags, so every response is turned into an Outcome from its client's events.
 * `sent` counts requests whose fate is known; the few in flight when autocannon stops are abandoned by it.
 */
export async function runClosedLoop(phase: SaturatePhase, options: SenderOptions): Promise<{ sent: number; achievedRate: number; durationMs: number }> {
  let sent = 0;
  const report = (outcome: Outcome): void => {
    sent++;
    options.onOutcome(outcome);
  };
  const answers = new Answers(options.timeoutMs * 1000, report);
  const startUs = nowUs();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: phase.connections,
        duration: phase.duration / 1000,
        // autocannon's timeout is whole seconds, at least 1; shorter deadlines are applied per response below.
        timeout: Math.max(1, options.timeoutMs / 1000),
        sampleInt: SAMPLE_INTERVAL_MS,
        setupClient: (client) => watchClient(client, answers, report),
      },
      (error: unknown) => {
        options.signal?.removeEventListener('abort', stop);
        answers.flush();
        if (error) reject(new ColdlabError('LOAD_CLOSED_LOOP', `autocannon failed: ${String(error)}`, 'Check the gateway URL and the saturate phase settings.'));
        else resolve();
      },
    );
    function stop(): void {
      instance.stop();
    }
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  const durationMs = (nowUs() - startUs) / 1000;
  return { sent, achievedRate: durationMs > 0 ? sent / (durationMs / 1000) : 0, durationMs };
}

/** One answered request, kept raw until the connection's next request is on its way. */
interface Answer {
  sentUs: number;
  endUs: number;
  status: number;
  raw: readonly unknown[];
}

/**
 * Turns answers into Outcomes on a microtask, after the parse that produced them has returned. autocannon
 * emits 'response' before it writes that connection's next request, so work done inside the listener sits
 * between an answer and the next request on that connection.
 */
class Answers {
  private queue: Answer[] = [];
  private scheduled = false;

  constructor(
    private readonly timeoutUs: number,
    private readonly report: (o: Outcome) => void,
  ) {}

  add(answer: Answer): void {
    this.queue.push(answer);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.flush);
  }

  readonly flush = (): void => {
    this.scheduled = false;
    const answers = this.queue;
    this.queue = [];
    for (const { sentUs, endUs, status, raw } of answers) {
      if (endUs - sentUs > this.timeoutUs) this.report({ intendedUs: sentUs, sentUs, endUs, ok: false, errorKind: 'timeout', status });
      else this.report({ intendedUs: sentUs, sentUs, endUs, ...classifyResponse(status, headersFromRaw(raw)) });
    }
  };
}

/**
 * Follows one autocannon connection (pipelining 1, so at most one request is pending). Event order, from
 * lib/httpClient.js: headers → response → request (next); on a timeout the client reconnects and emits the
 * next 'request' *before* 'timeout'; on a socket error 'connError' comes first; a peer close just reconnects.
 * 'request', 'timeout' and 'connError' are real Client events that @types/autocannon leaves out, hence addListener.
 */
function watchClient(client: autocannon.Client, answers: Answers, report: (o: Outcome) => void): void {
  let pendingUs: number | undefined;
  let orphanUs: number | undefined;
  // http-parser-js makes a new header list for each message, so holding this one until the flush is safe.
  let raw: readonly unknown[] = [];
  const fail = (sentUs: number, errorKind: string): void => report({ intendedUs: sentUs, sentUs, endUs: nowUs(), ok: false, errorKind });

  client.addListener('request', () => {
    if (pendingUs !== undefined) {
      // Replaced before it answered: a timeout if 'timeout' follows in this same tick, else a dropped connection.
      const lost = pendingUs;
      orphanUs = lost;
      queueMicrotask(() => {
        if (orphanUs !== lost) return;
        orphanUs = undefined;
        fail(lost, 'connection');
      });
    }
    pendingUs = nowUs();
    raw = [];
  });
  client.on('headers', (info: unknown) => {
    raw = rawHeaders(info);
  });
  client.on('response', (statusCode: number) => {
    if (pendingUs === undefined) return;
    answers.add({ sentUs: pendingUs, endUs: nowUs(), status: statusCode, raw });
    pendingUs = undefined;
  });
  client.addListener('timeout', () => {
    const lost = orphanUs ?? pendingUs;
    if (orphanUs !== undefined) orphanUs = undefined;
    else pendingUs = undefined;
    if (lost !== undefined) fail(lost, 'timeout');
  });
  client.addListener('connError', () => {
    if (pendingUs === undefined) return;
    const lost = pendingUs;
    pendingUs = undefined;
    fail(lost, 'connection');
  });
}

// autocannon's 'headers' event passes http-parser-js's info object, whose `headers` is a flat raw list.
function rawHeaders(info: unknown): readonly unknown[] {
  if (typeof info !== 'object' || info === null || !('headers' in info)) return [];
  const raw: unknown = info.headers;
  return Array.isArray(raw) ? raw : [];
}
