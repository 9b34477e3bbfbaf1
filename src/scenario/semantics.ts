import type { Scenario } from './schema.js';
import { many } from './matrix.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { limitProblems } from './limitChecks.js';
import { wasmProblems } from './wasmChecks.js';
import { RUNTIME_KNOB_KEYS, knobOf } from './knobs/index.js';
import { eventsProblems } from './eventCells.js';


// Points at one element of a `value | [values]` field when the user wrote a list.
const elementPath = (field: readonly (string | number)[], value: unknown, index: number) => (Array.isArray(value) ? [...field, index] : field);

// Knobs only the container runtime understands: an image to run, an OCI runtime to run it with.
function containerOnlyProblems(scenario: Scenario, { file, where }: { file: string; where: PositionFinder }): Problem[] {
  const problems: Problem[] = [];
  const runtimes = many(scenario.runtimes);
  const { prewarm } = scenario.matrix;
  const { image } = scenario.function;
  const others = runtimes.filter((r) => r !== 'container');
  if (image !== undefined && others.length > 0) {
    problems.push({
      file,
      ...where.ofPath(['function', 'image']),
      message: `runtime ${others.join(', ')} cannot run an image ("${image}"); only the container runtime can`,
      hint: 'set runtimes: container, or give "path:" to a handler module to compare runtimes',
    });
  }
  const off = many(prewarm).indexOf(false);
  if (image !== undefined && off >= 0) {
    problems.push({
      file,
      ...where.ofPath(elementPath(['matrix', 'prewarm'], prewarm, off)),
      message: 'prewarm false cannot apply to an existing image: coldlab never removes your image, so its layers stay on the node',
      hint: 'remove prewarm (or keep it true); prewarm off needs a handler module given by "path:", whose image coldlab builds and pulls',
    });
  }
  return problems;
}

// A runtime's own matrix key (scenario/knobs/) means nothing without that runtime in the scenario.
function knobProblems(scenario: Scenario, { file, where }: { file: string; where: PositionFinder }): Problem[] {
  const runtimes = many(scenario.runtimes);
  return RUNTIME_KNOB_KEYS.flatMap((key) => {
    const { runtime } = knobOf(key);
    if (scenario.matrix[key] === undefined || runtimes.includes(runtime)) return [];
    return [{ file, ...where.ofPath(['matrix', key]), message: `matrix.${key} applies only to the ${runtime} runtime, and runtimes is ${runtimes.join(', ')}`, hint: `add ${runtime} to runtimes (e.g. runtimes: [process, ${runtime}]) or remove ${key}` }];
  });
}

/** Checks the schema cannot express: files that must exist, knobs that contradict each other. */
export function semanticProblems(scenario: Scenario, ctx: { file: string; where: PositionFinder; functionExists: boolean; wasmExists?: boolean }): Problem[] {
  const { file, where } = ctx;
  const problems: Problem[] = [];
  if (scenario.function.path !== undefined && !ctx.functionExists) {
    problems.push({
      file,
      ...where.ofPath(['function', 'path']),
      message: `function module "${scenario.function.path}" does not exist`,
      hint: 'the path is relative to the scenario file\'s folder; fixtures/functions/ holds examples',
    });
  }
  const { provisionedConcurrency, maxInstances } = scenario.matrix;
  const smallestMax = Math.min(...many(maxInstances));
  const tooMany = many(provisionedConcurrency).findIndex((p) => p > smallestMax);
  if (tooMany >= 0) {
    const provisioned = many(provisionedConcurrency)[tooMany];
    problems.push({
      file,
      ...where.ofPath(elementPath(['matrix', 'provisionedConcurrency'], provisionedConcurrency, tooMany)),
      message: `provisionedConcurrency ${provisioned} exceeds maxInstances ${smallestMax}${Array.isArray(maxInstances) ? ' in some combinations' : ''}`,
      hint: `every combination must keep provisioned instances within maxInstances: raise maxInstances to at least ${provisioned} or lower provisionedConcurrency`,
    });
  }
  problems.push(...containerOnlyProblems(scenario, ctx), ...limitProblems(scenario, ctx));
  problems.push(...knobProblems(scenario, ctx));
  problems.push(...wasmProblems(scenario, { file, where, wasmExists: ctx.wasmExists ?? false }), ...eventsProblems(scenario, ctx));
  if (scenario.phases.every((p) => p.kind === 'idle')) {
    problems.push({
      file,
      ...where.ofPath(['phases']),
      message: 'no phase sends load (all phases are idle)',
      hint: 'add a constant, poisson, ramp, burst, trace or saturate phase',
    });
  }
  return problems;
}
