import type { IO } from './io.js';
import type { RunEvents } from '../lab/run.js';
import { RunMetrics, serveMetrics } from '../report/openmetrics.js';
import { ColdlabError, EXIT } from '../util/errors.js';

export interface MetricsEndpoint {
  /** The run's events, with the endpoint's own observers added. */
  wrap<E extends RunEvents>(events: E): E;
  close(): Promise<void>;
}

const NONE: MetricsEndpoint = { wrap: (events) => events, close: async () => undefined };

/** `--metrics-port N`: OpenMetrics on 127.0.0.1:N for as long as the run goes (0 picks a free port). */
export async function metricsEndpoint(io: IO, port: string | undefined): Promise<MetricsEndpoint> {
  if (port === undefined) return NONE;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new ColdlabError('METRICS_PORT', `--metrics-port "${port}" is not a port`, 'write a port number, e.g. --metrics-port 9464', EXIT.usage);
  const metrics = new RunMetrics();
  const server = await serveMetrics(metrics, n);
  io.err(`metrics: ${server.url} (OpenMetrics, while the run goes)\n`);
  return {
    wrap: (events) => ({
      ...events,
      outcome: (outcome) => {
        events.outcome?.(outcome);
        metrics.outcome(outcome);
      },
      variantFinished: (result, prices) => {
        events.variantFinished?.(result, prices);
        metrics.variantFinished(result, prices);
      },
      poolStarted: (variant, alive) => {
        events.poolStarted?.(variant, alive);
        metrics.poolStarted(variant, alive);
      },
    }),
    close: async () => {
      metrics.stop();
      await server.close();
    },
  };
}
