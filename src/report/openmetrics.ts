import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, openMetricsContentType } from 'prom-client';
import type { Outcome } from '../results/recorder.js';
import type { Variant } from '../scenario/variant.js';
import type { Prices } from '../scenario/prices.js';
import type { VariantResult } from '../results/model.js';
import { gbOf } from '../billing/rates.js';
import { billVariant } from '../billing/variantCost.js';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';

// Latency buckets in seconds, from a warm loopback request (~1 ms) to a slow cold start (10 s).
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The live figures of a run in OpenMetrics form, for a Prometheus that watches benchmarks the way it
 * watches services: invocation latency by start kind, cold starts by reason, instances alive,
 * GB-seconds, and each finished variant's cost per million requests from the one cost model (billing/).
 * Labelled by runtime and variant key.
 */
export class RunMetrics {
  readonly registry = new Registry<typeof openMetricsContentType>();
  private readonly latency = new Histogram({ name: 'coldlab_invocation_duration_seconds', help: 'Invocation latency from the intended send time, by start kind', labelNames: ['variant', 'runtime', 'start'], buckets: BUCKETS, registers: [] });
  private readonly requests = new Counter({ name: 'coldlab_requests', help: 'Requests answered, by outcome', labelNames: ['variant', 'runtime', 'outcome'], registers: [] });
  private readonly coldStarts = new Counter({ name: 'coldlab_cold_starts', help: 'Cold starts, by reason', labelNames: ['variant', 'runtime', 'reason'], registers: [] });
  private readonly alive = new Gauge({ name: 'coldlab_instances_alive', help: 'Instances alive in the current variant', labelNames: ['variant', 'runtime'], registers: [] });
  private readonly gbSeconds = new Counter({ name: 'coldlab_gb_seconds', help: 'Memory size × time of the instances alive (GB-seconds)', labelNames: ['variant', 'runtime'], registers: [] });
  private readonly cost = new Gauge({ name: 'coldlab_variant_cost_per_million_requests', help: 'A finished variant\'s estimated cost per million requests at its run\'s prices (the figure advise, compare and gate show)', labelNames: ['variant', 'runtime', 'currency'], registers: [] });
  private variant: Variant | undefined;
  private countAlive: (() => number) | undefined;
  private lastTick = performance.now();
  private readonly ticker: NodeJS.Timeout;

  constructor() {
    this.registry.setContentType(openMetricsContentType);
    for (const m of [this.latency, this.requests, this.coldStarts, this.alive, this.gbSeconds, this.cost]) this.registry.registerMetric(m);
    // GB-seconds accrue between requests too: an idle warm instance is still paid for.
    this.ticker = setInterval(() => this.tick(), 250);
    this.ticker.unref();
  }

  private labels(): { variant: string; runtime: string } {
    return { variant: this.variant?.key ?? 'none', runtime: this.variant?.runtime ?? 'none' };
  }

  /** A new variant's pool is up; from now on its instances are counted. */
  poolStarted(variant: Variant, alive: () => number): void {
    this.tick();
    this.variant = variant;
    this.countAlive = alive;
  }

  outcome(outcome: Outcome): void {
    const labels = this.labels();
    this.requests.inc({ ...labels, outcome: outcome.ok ? 'ok' : 'error' });
    const tags = outcome.tags;
    if (tags?.startKind === 'cold' && tags.gatewayError === undefined) this.coldStarts.inc({ ...labels, reason: tags.coldReason ?? 'scale-out' });
    if (outcome.ok && tags?.startKind) this.latency.observe({ ...labels, start: tags.startKind }, (outcome.endUs - outcome.intendedUs) / 1e6);
  }

  private tick(): void {
    const now = performance.now();
    const seconds = (now - this.lastTick) / 1000;
    this.lastTick = now;
    if (!this.variant || !this.countAlive) return;
    const alive = this.countAlive();
    const labels = this.labels();
    this.alive.set(labels, alive);
    const gbs = alive * gbOf(this.variant.memoryMb) * seconds;
    if (gbs > 0) this.gbSeconds.inc(labels, gbs);
  }

  /** A variant ended: its cost per million requests, billed as every command bills it. */
  variantFinished(result: VariantResult, prices: Prices): void {
    const cost = billVariant(result, prices);
    if (cost) this.cost.set({ variant: result.variant.key, runtime: result.variant.runtime, currency: prices.currency }, cost.costPerMillionRequestsUsd);
  }

  stop(): void {
    this.tick();
    clearInterval(this.ticker);
  }
}

/** Serves `registry` at http://127.0.0.1:<port>/metrics (loopback only) until closed. */
export async function serveMetrics(metrics: RunMetrics, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('coldlab serves /metrics only\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(errorMessage(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new ColdlabError('METRICS_PORT', `cannot serve metrics on 127.0.0.1:${port}: ${errorMessage(error)}`, 'pick a free port, e.g. --metrics-port 9464', EXIT.usage)),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
