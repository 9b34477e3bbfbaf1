import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Scenario } from './schema.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { countVariants, many } from './matrix.js';
import { LIMITS, formatNumber } from './limits.js';

interface Ctx {
  file: string;
  where: PositionFinder;
}

// Requests an open-loop phase would schedule: its whole send plan is held in memory before it starts.
function plannedRequests(phase: Scenario['phases'][number]): number | undefined {
  if (phase.kind === 'constant' || phase.kind === 'poisson') return (phase.rate * phase.duration) / 1000;
  if (phase.kind === 'ramp') return (((phase.from + phase.to) / 2) * phase.duration) / 1000;
  if (phase.kind === 'burst') return phase.size * phase.count;
  if (phase.kind === 'events') return plannedRequests(phase.publish);
  return undefined;
}

function phaseProblems(scenario: Scenario, { file, where }: Ctx): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  scenario.phases.forEach((phase, index) => {
    const requests = plannedRequests(phase);
    if (requests !== undefined && requests > LIMITS.requestsPerPhase) {
      problems.push({
        file,
        ...where.ofPath(['phases', index]),
        message: `phases[${index}] would send ${formatNumber(Math.round(requests))} requests, more than the limit of ${formatNumber(LIMITS.requestsPerPhase)} per phase`,
        hint: 'lower the rate or the duration (or size × count), or split the load into several phases',
      });
    }
    if (phase.kind === 'ramp' && phase.from === 0 && phase.to === 0) {
      problems.push({ file, ...where.ofPath(['phases', index]), message: `phases[${index}]: a ramp from 0 to 0 sends nothing`, hint: 'give "to" (or "from") a rate above 0, or use an idle phase for a pause' });
    }
    // Results and merges match phases by name: two phases of one name would be added together.
    const name = phase.name ?? `${index + 1}-${phase.kind}`;
    const first = names.get(name);
    if (first !== undefined) {
      problems.push({
        file,
        ...where.ofPath(['phases', index, ...(phase.name === undefined ? [] : ['name'])]),
        message: `phases[${index}] is named "${name}" like phases[${first}]`,
        hint: 'give every phase its own name: results and merges tell phases apart by name',
      });
    } else names.set(name, index);
  });
  return problems;
}

/** The limits a schema cannot state: sizes that depend on several keys at once, and files on disk. */
export function limitProblems(scenario: Scenario, ctx: Ctx): Problem[] {
  const { file, where } = ctx;
  const problems = phaseProblems(scenario, ctx);
  const variants = countVariants(scenario);
  if (variants > LIMITS.variantRuns) {
    const lists = Object.entries(scenario.matrix)
      .filter(([, v]) => Array.isArray(v) && v.length > 1)
      .map(([k, v]) => `${k} ${many(v).length}`);
    problems.push({
      file,
      ...where.ofPath(['matrix']),
      message: `the matrix expands to ${formatNumber(variants)} variant runs (runtimes × matrix values × repetitions), more than the limit of ${formatNumber(LIMITS.variantRuns)}`,
      hint: `list fewer values (${[`runtimes ${many(scenario.runtimes).length}`, ...lists, `repetitions ${scenario.repetitions}`].join(', ')}), or split the scenario into several files`,
    });
  }
  // The output folder is made later; a file in its place would only fail after the first variant ran.
  if (statSync(resolve(scenario.output), { throwIfNoEntry: false })?.isFile()) {
    problems.push({ file, ...where.ofPath(['output']), message: `output "${scenario.output}" is an existing file, not a folder`, hint: 'name a folder (it is created if missing), e.g. output: reports' });
  }
  return problems;
}
