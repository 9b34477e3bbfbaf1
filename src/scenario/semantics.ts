import type { Scenario } from './schema.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';

const many = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Checks the schema cannot express: files that must exist, knobs that contradict each other. */
export function semanticProblems(scenario: Scenario, ctx: { file: string; where: PositionFinder; functionExists: boolean }): Problem[] {
  const { file, where } = ctx;
  const problems: Problem[] = [];
  if (!ctx.functionExists) {
    problems.push({ file, ...where.ofPath(['function', 'path']), message: `function module "${scenario.function.path}" does not exist`, hint: 'the path is relative to the scenario file; fixtures/functions/ holds examples' });
  }
  const maxProvisioned = Math.max(...many(scenario.matrix.provisionedConcurrency));
  const minInstances = Math.min(...many(scenario.matrix.maxInstances));
  if (maxProvisioned > minInstances) {
    problems.push({ file, ...where.ofPath(['matrix', 'provisionedConcurrency']), message: `provisionedConcurrency ${maxProvisioned} exceeds maxInstances ${minInstances} in some combination`, hint: 'raise maxInstances or lower provisionedConcurrency' });
  }
  if (scenario.phases.every((p) => p.kind === 'idle')) {
    problems.push({ file, ...where.ofPath(['phases']), message: 'no phase sends load (all are idle)', hint: 'add a constant, poisson, ramp, burst or saturate phase' });
  }
  return problems;
}
