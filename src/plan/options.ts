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

// "600s", "10m", "500ms". A bare number is refused: "--keep-alive 10" read as 10 ms gave 95% cold starts.
export function durationList(value: string | undefined, option: string, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => {
    const text = item.trim();
    if (/^\d+(\.\d+)?$/.test(text) && Number(text) !== 0) throw usage(`${option}: ${text} what? write ${text}ms or ${text}s`, 'durations on the command line carry a unit: ms, s, m or h (e.g. 600s, 10m)');
    const ms = parseDurationMs(text === '0' ? 0 : text);
    if (ms === undefined || ms > 7 * 24 * 3_600_000) throw usage(`${option}: "${item}" is not a duration up to 7 days`, 'write e.g. 500ms, 600s or 10m');
    return ms;
  });
}
