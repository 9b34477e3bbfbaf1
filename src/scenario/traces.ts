import { dirname, resolve } from 'node:path';
import type { Scenario } from './schema.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { replayTooBig, resolveTrace } from './trace/schedule.js';

/** Trace paths are written relative to the scenario file; results and the sender need them absolute. */
export function withAbsoluteTraces(scenario: Scenario, scenarioFile: string): Scenario {
  const dir = dirname(scenarioFile);
  const absolute = <P extends { kind: string }>(p: P): P => (p.kind === 'trace' && 'file' in p && typeof p.file === 'string' ? { ...p, file: resolve(dir, p.file) } : p);
  return { ...scenario, phases: scenario.phases.map((p) => (p.kind === 'events' ? { ...p, publish: absolute(p.publish) } : absolute(p))) };
}

/**
 * Every trace phase's file is read and its selection and window checked before anything starts: problems in
 * the trace point into the trace file (file:line:col), problems of the selection point at the phase's key.
 */
export function traceProblems(scenario: Scenario, ctx: { file: string; where: PositionFinder }): Problem[] {
  const problems: Problem[] = [];
  for (const [index, outer] of scenario.phases.entries()) {
    // An event phase publishes on a trace's schedule the same way: its trace sits under `publish`.
    const phase = outer.kind === 'events' ? outer.publish : outer;
    if (phase.kind !== 'trace') continue;
    const at = outer.kind === 'events' ? ['phases', index, 'publish'] : ['phases', index];
    const name = outer.kind === 'events' ? `phases[${index}].publish` : `phases[${index}]`;
    const outcome = resolveTrace(phase);
    if ('fileProblems' in outcome) {
      const pos = ctx.where.ofPath([...at, 'file']);
      problems.push({ file: ctx.file, line: pos.line, col: pos.col, message: `${name}.file: the trace cannot be replayed; its problems are listed at their lines in ${phase.file}` });
      problems.push(...outcome.fileProblems);
      continue;
    }
    const keyed = 'selection' in outcome ? outcome.selection : replayTooBig(outcome.replay, phase.compress);
    if (keyed) problems.push({ file: ctx.file, ...ctx.where.ofPath([...at, keyed.key]), message: `${name}.${keyed.key}: ${keyed.message}`, hint: keyed.hint });
  }
  return problems;
}
