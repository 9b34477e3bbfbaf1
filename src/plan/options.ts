import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pricesOverrideSchema, resolvePrices, type Prices } from '../scenario/prices.js';
import { parseDurationMs } from '../util/duration.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/** `coldlab plan` options as commander hands them over (strings). */
export interface PlanFlags {
  verbose?: boolean;
  rate?: string;
  process?: string;
  requests?: string;
  trace?: string;
  select?: string;
  spread?: string;
  compress?: string;
  fromMinute?: string;
  toMinute?: string;
  from?: string;
  warmMs?: string;
  coldMs?: string;
  warmDist?: string;
  coldDist?: string;
  keepAlive?: string;
  instanceConcurrency?: string;
  maxInstances?: string;
  provisioned?: string;
  memory?: string;
  p99Target?: string;
  prices?: string;
  seed?: string;
  json?: boolean;
  html?: string;
  validate?: string;
}

export const usage = (message: string, hint: string): ColdlabError => new ColdlabError('PLAN_USAGE', message, hint, EXIT.usage);

/** A number option within [min, max]; integers where asked. */
export function numberFlag(value: string | undefined, option: string, { min, max, int = false, fallback }: { min: number; max: number; int?: boolean; fallback?: number }): number {
  if (value === undefined) {
    if (fallback === undefined) throw usage(`${option} is required`, `give ${option} <number>`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
    throw usage(`${option}: "${value}" is not ${int ? 'a whole number' : 'a number'} from ${min} to ${max}`, `e.g. ${option} ${Math.max(min, int ? 1 : 1)}`);
  }
  return n;
}

/** A comma-separated list of numbers, each checked like numberFlag. */
export function listFlag(value: string | undefined, option: string, limits: { min: number; max: number; int?: boolean }, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => numberFlag(item.trim(), option, limits));
}

// Same convention as scenario files: "600s", "10m", "500ms", or a bare number of milliseconds.
export function durationList(value: string | undefined, option: string, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => {
    const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(item.trim()) ? Number(item.trim()) : item.trim());
    if (ms === undefined || ms > 7 * 24 * 3_600_000) throw usage(`${option}: "${item}" is not a duration up to 7 days`, 'write e.g. 600s, 10m or 1500 (milliseconds)');
    return ms;
  });
}

/** Default list prices, overridden by a --prices JSON file (any subset of the cost keys). */
export function pricesFrom(file: string | undefined, cwd: string): Prices {
  if (file === undefined) return resolvePrices();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw usage(`--prices: cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`, 'give a JSON file with any of the keys of a scenario\'s cost: section');
  }
  const parsed = pricesOverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usage(`--prices ${file}: ${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'invalid'}`, 'keys: gbSecond, perMillionRequests, provisionedGbSecond, provisionedExecutedGbSecond, billingGranularityMs, billInit, source, asOf, currency');
  }
  return resolvePrices(parsed.data);
}
