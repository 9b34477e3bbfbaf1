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
        setupClient: (client) => watchClient(client, options.timeoutMs, report),
      },
      (error: unknown) => {
        options.signal?.removeEventListener('abort', stop);
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

/**
 * Follows one autocannon connection (pipelining 1, so at most one request is pending). Event order, from
 * lib/httpClient.js: headers → response → request (next); on a timeout the client reconnects and emits the
 * next 'request' *before* 'timeout'; on a socket error 'connError' comes first; a peer close just reconnects.
 * 'request', 'timeout' and 'connError' are real Client events that @types/autocannon leaves out, hence addListener.
 */
function watchClient(client: autocannon.Client, timeoutMs: number, report: (o: Outcome) => void): void {
  let pendingUs: number | undefined;
  let orphanUs: number | undefined;
  let headers: Record<string, string> = {};
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
    headers = {};
  });
  client.on('headers', (info: unknown) => {
    headers = headersFromRaw(rawHeaders(info));
  });
  client.on('response', (statusCode: number) => {
    if (pendingUs === undefined) return;
    const sentUs = pendingUs;
    pendingUs = undefined;
    const endUs = nowUs();
    if (endUs - sentUs > timeoutMs * 1000) return report({ intendedUs: sentUs, sentUs, endUs, ok: false, errorKind: 'timeout', status: statusCode });
    report({ intendedUs: sentUs, sentUs, endUs, ...classifyResponse(statusCode, headers) });
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
