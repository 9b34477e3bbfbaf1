import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import type { RunResult } from '../results/model.js';
import { reportFailure } from './failure.js';
import { EXIT } from '../util/errors.js';
import { durationList, listFlag, numberFlag, usage, type PlanFlags } from '../plan/options.js';
import { loadPricesFile } from '../scenario/pricesFile.js';
import { resolvePrices } from '../scenario/prices.js';
import { arrivalPlan, serviceSource } from '../plan/inputs.js';
import { candidates, predict, type PlanInput } from '../plan/plan.js';
import { validateRun } from '../plan/validate.js';
import { REPLAYS } from '../plan/replayRun.js';
import { formatCandidates, formatPrediction, formatValidation } from '../plan/format.js';
import { writePlanPage } from '../plan/page.js';
import { formatMs } from '../util/duration.js';

// With no maxInstances given the platform may grow as far as the load asks (the issue's open model).
const UNLIMITED = 1_000_000;

async function validate(io: IO, file: string, flags: PlanFlags, seed: number): Promise<number> {
  const result = await readResults(resolve(io.cwd, file));
  const validations = validateRun(result, seed);
  if (flags.json) io.out(`${JSON.stringify({ results: file, seed, validations }, null, 2)}\n`);
  else io.out(`coldlab plan --validate ${file}: the run's own arrivals and policy re-simulated with its measured service times (seeds from ${seed}, up to ${REPLAYS} of them)\n${formatValidation(validations)}\n`);
  return EXIT.ok;
}

// Everything a plan lacks, named at once: a load, and service times (fixed, a distribution, or measured).
function missingInputs(flags: PlanFlags): void {
  const missing: string[] = [];
  if (flags.rate === undefined && flags.trace === undefined) missing.push('a load: --rate <per second> or --trace <file>');
  if (flags.from === undefined) {
    if (flags.warmMs === undefined && flags.warmDist === undefined) missing.push('a warm service time: --warm-ms <ms> or --warm-dist <d>');
    if (flags.coldMs === undefined && flags.coldDist === undefined) missing.push('a cold service time: --cold-ms <ms> or --cold-dist <d>');
  }
  if (missing.length > 0) {
    throw usage(`plan needs ${missing.join('; ')}`, 'e.g. coldlab plan --rate 5 --warm-ms 20 --cold-ms 400, or --from results.json for measured service times, or --validate results.json');
  }
}

/** `coldlab plan`: predict cold starts, latency, instances and cost of the pool for a load, or a table of candidates. */
export async function planCommand(io: IO, flags: PlanFlags): Promise<number> {
  try {
    const seed = numberFlag(flags.seed, '--seed', { min: 0, max: 2 ** 32 - 1, int: true, fallback: 1 });
    if (flags.validate !== undefined) return await validate(io, flags.validate, flags, seed);
    missingInputs(flags);
    const results: RunResult | undefined = flags.from !== undefined ? await readResults(resolve(io.cwd, flags.from)) : undefined;
    const service = serviceSource(flags, results);
    const arrivals = arrivalPlan(flags, io.cwd, seed);
    const memory = listFlag(flags.memory, '--memory', { min: 16, max: 65_536, int: true }, service.memorySizes.length > 0 ? [service.memorySizes[0] ?? 512] : [512]);
    const provisioned = listFlag(flags.provisioned, '--provisioned', { min: 0, max: 10_000, int: true }, [0]);
    const keepAlive = durationList(flags.keepAlive, '--keep-alive', [600_000]);
    const p99Target = flags.p99Target !== undefined ? numberFlag(flags.p99Target, '--p99-target', { min: 0, max: 3_600_000 }) : undefined;
    const input: PlanInput = {
      arrivals: arrivals.make,
      ...(arrivals.horizonUs !== undefined ? { horizonUs: arrivals.horizonUs } : {}),
      service: service.service,
      policy: {
        maxInstances: numberFlag(flags.maxInstances, '--max-instances', { min: 1, max: UNLIMITED, int: true, fallback: UNLIMITED }),
        instanceConcurrency: numberFlag(flags.instanceConcurrency, '--instance-concurrency', { min: 1, max: 10_000, int: true, fallback: 1 }),
        keepAliveMs: keepAlive[0] ?? 600_000,
        provisioned: provisioned[0] ?? 0,
      },
      memoryMb: memory[0] ?? 512,
      // The same YAML or JSON as a scenario's cost: section (and run/advise --prices).
      prices: resolvePrices(flags.prices !== undefined ? await loadPricesFile(resolve(io.cwd, flags.prices)) : undefined),
      seed,
    };
    const context = { arrivals: arrivals.label, service: service.label, seed };
    const grid = memory.length * provisioned.length * keepAlive.length > 1 || p99Target !== undefined;
    if (!grid) {
      const prediction = predict(input);
      if (flags.json) io.out(`${JSON.stringify({ ...context, ...prediction })}\n`);
      else {
        const max = input.policy.maxInstances === UNLIMITED ? 'unlimited' : String(input.policy.maxInstances);
        io.out(`coldlab plan: ${arrivals.label} · ${service.label} · keep-alive ${formatMs(input.policy.keepAliveMs)} · concurrency ${input.policy.instanceConcurrency} · max instances ${max} · provisioned ${input.policy.provisioned} · seed ${seed}\n${formatPrediction(prediction)}\n`);
      }
      return EXIT.ok;
    }
    const table = candidates(input, { memoryMb: memory, provisioned, keepAliveMs: keepAlive }, p99Target);
    if (flags.html !== undefined) await writePlanPage(resolve(io.cwd, flags.html), table, context);
    if (flags.json) io.out(`${JSON.stringify({ ...context, ...table })}\n`);
    else io.out(`coldlab plan: ${arrivals.label} · ${service.label} · seed ${seed}\n${formatCandidates(table)}\n${flags.html !== undefined ? `page: ${resolve(io.cwd, flags.html)}\n` : ''}`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, flags.verbose === true);
  }
}
