import { readFile } from 'node:fs/promises';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';
import { METRIC_NAMES, isMetric } from './metrics.js';
import { suggest } from '../scenario/hints.js';
import { DEFAULT_GATE_METRICS, type GateOptions } from './compare.js';

/** The gate's command-line options, shared by `coldlab gate` and `coldlab run --ab`. */
export interface GateFlags {
  metric?: string[];
  tolerance?: string[];
  alpha?: string;
  seed?: string;
  strict?: boolean;
  noise?: string;
}

const usage = (message: string, hint: string): ColdlabError => new ColdlabError('GATE_OPTION', message, hint, EXIT.usage);

function checkMetric(name: string, flag: string): string {
  if (isMetric(name)) return name;
  const near = suggest(name, METRIC_NAMES);
  throw usage(`${flag}: unknown metric "${name}"`, `${near ? `did you mean "${near}"? ` : ''}e.g. warm.p50, warm.p99, cold.p50, coldStartRate`);
}

// "10%" or "0.1": a relative change.
function fraction(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 10) throw usage(`${flag}: "${text}" is not a tolerance`, 'write a percentage such as 10% (or a fraction such as 0.1)');
  return value;
}

/** A noise band measured by `coldlab run --aa`: per metric, how far apart two identical runs land here. */
export interface NoiseBand {
  kind: 'coldlab-noise-band';
  metrics: Record<string, number>;
}

async function readNoise(file: string): Promise<Record<string, number>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw usage(`--noise: cannot read ${file}: ${errorMessage(error)}`, 'pass the noise.json written by `coldlab run --aa`');
  }
  const metrics = typeof parsed === 'object' && parsed !== null && 'kind' in parsed && parsed.kind === 'coldlab-noise-band' && 'metrics' in parsed ? parsed.metrics : undefined;
  if (typeof metrics !== 'object' || metrics === null) throw usage(`--noise: ${file} is not a noise band`, 'pass the noise.json written by `coldlab run --aa`');
  return Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number' && isMetric(e[0])));
}

/** Turns flags into gate options: default tolerance 10%, α 0.05, seed 1; a noise band widens tolerances it covers. */
export async function gateOptions(flags: GateFlags): Promise<GateOptions> {
  const metrics = (flags.metric ?? [...DEFAULT_GATE_METRICS]).flatMap((m) => m.split(',')).map((m) => checkMetric(m.trim(), '--metric'));
  let tolerance = 0.1;
  const tolerances: Record<string, number> = {};
  if (flags.noise) {
    // The runner's own noise band: a change smaller than two identical runs' spread is no evidence.
    for (const [metric, band] of Object.entries(await readNoise(flags.noise))) tolerances[metric] = Math.max(band, tolerances[metric] ?? 0);
  }
  for (const spec of flags.tolerance ?? []) {
    const eq = spec.indexOf('=');
    if (eq < 0) tolerance = fraction(spec, '--tolerance');
    else tolerances[checkMetric(spec.slice(0, eq).trim(), '--tolerance')] = fraction(spec.slice(eq + 1), '--tolerance');
  }
  const alpha = flags.alpha === undefined ? 0.05 : Number(flags.alpha);
  if (!(alpha > 0 && alpha < 0.5)) throw usage(`--alpha: "${flags.alpha}" is not a significance level`, 'write a number between 0 and 0.5, e.g. 0.05');
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  if (!Number.isInteger(seed)) throw usage(`--seed: "${flags.seed}" is not an integer`, 'write a whole number, e.g. --seed 7');
  return { metrics, alpha, tolerance, tolerances, seed, strict: Boolean(flags.strict) };
}
