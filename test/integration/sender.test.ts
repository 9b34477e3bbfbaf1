import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenLoop } from '../../src/load/openLoop.js';
import { runClosedLoop } from '../../src/load/closedLoop.js';
import { PhaseRecorder, type Outcome } from '../../src/results/recorder.js';
import { H } from '../../src/results/gatewayTags.js';

type Kind = 'cold' | 'http-500' | 'untagged' | 'gateway' | 'warm';

/**
 * A stand-in gateway on port 0. Request i is answered by kind i % 10: 0 cold, 1 a 500, 2 untagged,
 * 3 a gateway error, the rest warm. `/hang` never answers; `/reset` drops the connection.
 */
function kindOf(i: number): Kind {
  return (['cold', 'http-500', 'untagged', 'gateway'] as const)[i % 10] ?? 'warm';
}

class FakeGateway {
  readonly served: Record<Kind, number> = { cold: 0, 'http-500': 0, untagged: 0, gateway: 0, warm: 0 };
  private count = 0;
  private readonly server = http.createServer((request, response) => {
    if (request.url === '/hang') return;
    if (request.url === '/reset') return void request.socket.destroy();
    const kind = kindOf(this.count++);
    this.served[kind] += 1;
    const headers: Record<string, string> = {};
    if (kind === 'cold') Object.assign(headers, { [H.startKind]: 'cold', [H.coldReason]: 'scale-out', [H.instance]: 'i1', [H.initMs]: '12.500', [H.queueUs]: '15000' });
    if (kind === 'warm' || kind === 'http-500') Object.assign(headers, { [H.startKind]: 'warm', [H.instance]: 'i1', [H.queueUs]: '3' });
    if (kind === 'gateway') headers[H.gatewayError] = 'no-instance';
    response.writeHead(kind === 'http-500' ? 500 : kind === 'gateway' ? 503 : 200, headers);
    response.end('ok');
  });

  url(path = '/'): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${path}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  reset(): void {
    this.count = 0;
    for (const kind of Object.keys(this.served) as Kind[]) this.served[kind] = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function collect(): { outcomes: Outcome[]; onOutcome(o: Outcome): void } {
  const outcomes: Outcome[] = [];
  return { outcomes, onOutcome: (o) => outcomes.push(o) };
}

function count(outcomes: readonly Outcome[], predicate: (o: Outcome) => boolean): number {
  return outcomes.filter(predicate).length;
}

describe('open-loop sender against a real local server', () => {
  const gateway = new FakeGateway();
  beforeAll(() => gateway.listen());
  afterAll(() => gateway.close());

  it('sends every scheduled request once and classifies every response', async () => {
    gateway.reset();
    const recorder = new PhaseRecorder({ name: 'bursts', kind: 'burst', loop: 'open', startMs: 0, targetRate: 500 });
    const sink = collect();
    const run = await runOpenLoop({ kind: 'burst', size: 50, every: 100, count: 4 }, {
      url: gateway.url(),
      timeoutMs: 5000,
      onOutcome: (o) => {
        sink.onOutcome(o);
        recorder.record(o);
      },
    });
    expect(run.sent).toBe(200);
    expect(sink.outcomes).toHaveLength(200);
    expect(run.achievedRate).toBe(500);
    const result = recorder.finish(run);
    expect(result.ok).toBe(160);
    expect(result.errors).toEqual({ 'http-500': 20, 'gateway:no-instance': 20 });
    expect(result.latency.all?.corrected.count).toBe(160);
    expect(result.latency.cold?.corrected.count).toBe(20);
    expect(result.latency.warm?.corrected.count).toBe(120);
    expect(result.coldStarts).toEqual({ 'scale-out': 20, 'keepalive-expired': 0 });
    expect(result.coldInit?.count).toBe(20);
    expect(sink.outcomes.every((o) => o.sentUs >= o.intendedUs && o.endUs >= o.sentUs)).toBe(true);
  });

  it('holds a constant rate and reports every sent request', async () => {
    const sink = collect();
    const run = await runOpenLoop({ kind: 'constant', rate: 200, duration: 1000 }, { url: gateway.url(), timeoutMs: 5000, onOutcome: sink.onOutcome });
    expect(run.sent).toBeGreaterThanOrEqual(190);
    expect(run.sent).toBeLessThanOrEqual(200);
    expect(sink.outcomes).toHaveLength(run.sent);
    expect(run.sendLag.maxUs).toBeGreaterThan(0);
  });

  it('records timeouts, dropped connections and refused connections as errors', async () => {
    const hang = collect();
    await runOpenLoop({ kind: 'burst', size: 5, every: 100, count: 1 }, { url: gateway.url('/hang'), timeoutMs: 200, onOutcome: hang.onOutcome });
    expect(hang.outcomes.map((o) => o.errorKind)).toEqual(Array(5).fill('timeout'));

    const reset = collect();
    await runOpenLoop({ kind: 'burst', size: 5, every: 100, count: 1 }, { url: gateway.url('/reset'), timeoutMs: 2000, onOutcome: reset.onOutcome });
    expect(reset.outcomes.map((o) => o.errorKind)).toEqual(Array(5).fill('connection'));

    const closed = new FakeGateway();
    await closed.listen();
    const deadUrl = closed.url();
    await closed.close();
    const refused = collect();
    await runOpenLoop({ kind: 'burst', size: 3, every: 100, count: 1 }, { url: deadUrl, timeoutMs: 2000, onOutcome: refused.onOutcome });
    expect(refused.outcomes.map((o) => o.errorKind)).toEqual(Array(3).fill('connection'));
  });

  it('stops sending on abort and still accounts for what it sent', async () => {
    const sink = collect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const run = await runOpenLoop({ kind: 'constant', rate: 100, duration: 60_000 }, { url: gateway.url(), timeoutMs: 5000, signal: controller.signal, onOutcome: sink.onOutcome });
    expect(run.sent).toBeGreaterThan(0);
    expect(run.sent).toBeLessThan(6000);
    expect(sink.outcomes).toHaveLength(run.sent);
  });

  it('sends nothing during an idle phase', async () => {
    const sink = collect();
    const run = await runOpenLoop({ kind: 'idle', duration: 100 }, { url: gateway.url(), timeoutMs: 1000, onOutcome: sink.onOutcome });
    expect(run.sent).toBe(0);
    expect(sink.outcomes).toHaveLength(0);
  });
});

describe('closed-loop sender (autocannon) against a real local server', () => {
  const gateway = new FakeGateway();
  beforeAll(() => gateway.listen());
  afterAll(() => gateway.close());

  it('turns every response into a tagged Outcome', async () => {
    gateway.reset();
    const sink = collect();
    const recorder = new PhaseRecorder({ name: 'max', kind: 'saturate', loop: 'closed', startMs: 0 });
    const run = await runClosedLoop({ kind: 'saturate', connections: 4, duration: 600 }, {
      url: gateway.url(),
      timeoutMs: 5000,
      onOutcome: (o) => {
        sink.onOutcome(o);
        recorder.record(o);
      },
    });
    expect(run.sent).toBeGreaterThan(50);
    expect(sink.outcomes).toHaveLength(run.sent);
    // Every request sent has its outcome: those in flight at the end are waited for.
    const seen: Record<Kind, number> = {
      cold: count(sink.outcomes, (o) => o.ok && o.tags?.startKind === 'cold'),
      'http-500': count(sink.outcomes, (o) => o.errorKind === 'http-500'),
      untagged: count(sink.outcomes, (o) => o.ok && o.tags === undefined),
      gateway: count(sink.outcomes, (o) => o.errorKind === 'gateway:no-instance'),
      warm: count(sink.outcomes, (o) => o.ok && o.tags?.startKind === 'warm'),
    };
    for (const kind of Object.keys(seen) as Kind[]) {
      expect(seen[kind]).toBeLessThanOrEqual(gateway.served[kind]);
      expect(seen[kind]).toBeGreaterThanOrEqual(gateway.served[kind] - 4);
    }
    const result = recorder.finish(run);
    expect(result.latency.cold?.corrected.count).toBe(seen.cold);
    expect(result.coldStarts['scale-out']).toBe(seen.cold);
    expect(result.latency.all?.corrected.encoded).toBe(result.latency.all?.uncorrected.encoded);
    expect(result.valid).toBe(true);
  });

  it('counts timeouts', async () => {
    const sink = collect();
    const run = await runClosedLoop({ kind: 'saturate', connections: 2, duration: 2500 }, { url: gateway.url('/hang'), timeoutMs: 1000, onOutcome: sink.onOutcome });
    expect(run.sent).toBeGreaterThanOrEqual(2);
    expect(sink.outcomes.every((o) => o.errorKind === 'timeout')).toBe(true);
  });

  it('counts dropped connections', async () => {
    const sink = collect();
    await runClosedLoop({ kind: 'saturate', connections: 2, duration: 300 }, { url: gateway.url('/reset'), timeoutMs: 1000, onOutcome: sink.onOutcome });
    expect(sink.outcomes.length).toBeGreaterThan(0);
    expect(sink.outcomes.every((o) => o.errorKind === 'connection')).toBe(true);
  });

  it('stops early on abort', async () => {
    const sink = collect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const run = await runClosedLoop({ kind: 'saturate', connections: 2, duration: 60_000 }, { url: gateway.url(), timeoutMs: 1000, signal: controller.signal, onOutcome: sink.onOutcome });
    expect(run.sent).toBeGreaterThan(0);
    expect(run.durationMs).toBeLessThan(30_000);
  });
});
