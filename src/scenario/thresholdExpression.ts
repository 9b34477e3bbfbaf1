import { METRIC_NAMES, isMetric, metricUnit, type MetricUnit } from './metricNames.js';
import { suggest } from './hints.js';

export type Operator = '<' | '<=' | '>' | '>=';

/** One threshold, k6-style: `warm.p99 < 30ms` (a metric, an operator, a limit in the metric's unit). */
export interface Threshold {
  /** As written in the scenario. */
  expression: string;
  metric: string;
  op: Operator;
  /** In the metric's unit: µs for latency, a fraction for rates, dollars for cost. */
  limit: number;
  unit: MetricUnit;
  /** Phase the threshold is scoped to; absent = all phases of the variant. */
  phase?: string;
}

export type ParseOutcome = { ok: true; threshold: Threshold } | { ok: false; message: string; hint: string };

const SHAPE = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s*(<=|>=|<|>)\s*(\S(?:.*\S)?)\s*$/;
const US_PER = { us: 1, µs: 1, ms: 1000, s: 1_000_000, m: 60_000_000 } as const;
const LATENCY = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)?$/;
const RATIO = /^(\d+(?:\.\d+)?)\s*(%)?$/;
const USD = /^(?:\$\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*\$?)$/;

// The limit in the metric's own unit, or why it cannot be read.
function parseLimit(text: string, unit: MetricUnit): number | string {
  if (unit === 'us') {
    const m = LATENCY.exec(text);
    if (!m) return `write a duration such as 30ms, 1.5s or 800us`;
    return Number(m[1]) * US_PER[(m[2] ?? 'ms') as keyof typeof US_PER];
  }
  if (unit === 'ratio') {
    const m = RATIO.exec(text);
    if (!m) return 'write a percentage such as 5% or 0.1% (or a fraction such as 0.05)';
    const value = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
    return value > 1 ? 'a rate is at most 100%' : value;
  }
  const m = USD.exec(text);
  if (!m) return 'write dollars such as 2$ or $0.50';
  return Number(m[1] ?? m[2]);
}

/** Reads one threshold expression; a bad one comes back with what is wrong and how to write it. */
export function parseThreshold(expression: string, phase?: string): ParseOutcome {
  const shape = SHAPE.exec(expression);
  if (!shape) {
    return { ok: false, message: `threshold "${expression}" is not of the form <metric> <op> <limit>`, hint: 'write e.g. "warm.p99 < 30ms", "cold.p50 < 800ms", "coldStartRate < 5%", "errorRate < 0.1%"' };
  }
  const [, metric = '', op = '<', limitText = ''] = shape;
  if (!isMetric(metric)) {
    const near = suggest(metric, METRIC_NAMES);
    return {
      ok: false,
      message: `threshold "${expression}": unknown metric "${metric}"`,
      hint: `${near ? `did you mean "${near}"? ` : ''}metrics: cold|warm|all|init . p50|p90|p99|p999|max|min|mean, coldStartRate, errorRate, cost.perMillion`,
    };
  }
  const unit = metricUnit(metric);
  const limit = parseLimit(limitText, unit);
  if (typeof limit === 'string') return { ok: false, message: `threshold "${expression}": "${limitText}" is not a limit for ${metric}`, hint: limit };
  return { ok: true, threshold: { expression: expression.trim(), metric, op: op as Operator, limit, unit, ...(phase === undefined ? {} : { phase }) } };
}

export function holds(value: number, op: Operator, limit: number): boolean {
  if (op === '<') return value < limit;
  if (op === '<=') return value <= limit;
  if (op === '>') return value > limit;
  return value >= limit;
}
