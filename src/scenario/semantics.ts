import type { Scenario } from './schema.js';
import { many } from './matrix.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';


// Points at one element of a `value | [values]` field when the user wrote a list.
const elementPath = (field: readonly (string | number)[], value: unknown, index: number) => (Array.isArray(value) ? [...field, index] : field);

/** Checks the schema cannot express: files that must exist, knobs that contradict each other. */
export function semanticProblems(scenario: Scenario, ctx: { file: string; where: PositionFinder; functionExists: boolean }): Problem[] {
  const { file, where } = ctx;
  const problems: Problem[] = [];
  if (!ctx.functionExists) {
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
  if (scenario.phases.every((p) => p.kind === 'idle')) {
    problems.push({
      file,
      ...where.ofPath(['phases']),
      message: 'no phase sends load (all phases are idle)',
      hint: 'add a constant, poisson, ramp, burst or saturate phase',
    });
  }
  return problems;
}
