import http from 'node:http';
import type { Outcome } from '../results/recorder.js';
import { nowUs } from '../util/clock.js';
import { classifyResponse } from './classify.js';

export interface InFlight {
  /** When the request was handed to the socket layer (nowUs clock). */
  readonly sentUs: number;
  readonly done: Promise<void>;
  /** Ends the request now; it is recorded as `aborted`. */
  abort(): void;
}

/** A keep-alive agent without a socket cap: an open-loop sender must never queue requests inside the client. */
export function newAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' });
}

/**
 * Sends one GET and reports exactly one Outcome when it ends, however it ends: response (latency taken
 * when the whole body has arrived), deadline ('timeout'), socket failure ('connection') or abort ('aborted').
 */
export function sendOnce(url: URL, agent: http.Agent, intendedUs: number, timeoutMs: number, onOutcome: (o: Outcome) => void): InFlight {
  const sentUs = nowUs();
  let settled = false;
  let failure: 'timeout' | 'aborted' | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  function settle(rest: Omit<Outcome, 'intendedUs' | 'sentUs' | 'endUs'>): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    onOutcome({ intendedUs, sentUs, endUs: nowUs(), ...rest });
    resolveDone();
  }

  const request = http.get(url, { agent }, (response) => {
    const verdict = classifyResponse(response.statusCode ?? 0, response.headers);
    response.on('end', () => settle(verdict));
    response.on('error', () => settle({ ok: false, errorKind: failure ?? 'connection', status: verdict.status }));
    response.resume();
  });
  request.on('error', () => settle({ ok: false, errorKind: failure ?? 'connection' }));
  request.on('close', () => settle({ ok: false, errorKind: failure ?? 'connection' }));

  const timer = setTimeout(() => {
    failure = 'timeout';
    request.destroy();
    settle({ ok: false, errorKind: 'timeout' });
  }, timeoutMs);

  return {
    sentUs,
    done,
    abort() {
      failure = 'aborted';
      request.destroy();
      settle({ ok: false, errorKind: 'aborted' });
    },
  };
}
