import type { Scenario } from './schema.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { suggest } from './hints.js';
import { parseThreshold, type Threshold } from './thresholdExpression.js';

// Phases are named as the matrix expansion names them, so a map key matches what reports show.
const phaseNames = (scenario: Scenario): string[] => scenario.phases.map((p, i) => p.name ?? `${i + 1}-${p.kind}`);

interface Entry {
  expression: string;
  path: (string | number)[];
  phase?: string;
}

function entries(scenario: Scenario): Entry[] {
  const t = scenario.thresholds;
  if (t === undefined) return [];
  if (Array.isArray(t)) return t.map((expression, i) => ({ expression, path: ['thresholds', i] }));
  return Object.entries(t).flatMap(([phase, list]) => list.map((expression, i) => ({ expression, path: ['thresholds', phase, i], phase })));
}

/** Every bad threshold expression and unknown phase name, with its line and column. */
export function thresholdProblems(scenario: Scenario, { file, where }: { file: string; where: PositionFinder }): Problem[] {
  const problems: Problem[] = [];
  const names = phaseNames(scenario);
  const t = scenario.thresholds;
  if (t !== undefined && !Array.isArray(t)) {
    for (const phase of Object.keys(t)) {
      if (names.includes(phase)) continue;
      const near = suggest(phase, names);
      problems.push({
        file,
        ...where.ofKey(['thresholds'], phase),
        message: `thresholds: no phase is named "${phase}"`,
        hint: `${near ? `did you mean "${near}"? ` : ''}phases: ${names.join(', ')} (or write thresholds as a list to apply them to all phases)`,
      });
    }
  }
  for (const entry of entries(scenario)) {
    const parsed = parseThreshold(entry.expression, entry.phase);
    if (!parsed.ok) problems.push({ file, ...where.ofPath(entry.path), message: parsed.message, hint: parsed.hint });
  }
  return problems;
}

/** The scenario's thresholds, parsed; call only on a scenario that passed thresholdProblems. */
export function scenarioThresholds(scenario: Scenario): Threshold[] {
  return entries(scenario).flatMap((entry) => {
    const parsed = parseThreshold(entry.expression, entry.phase);
    return parsed.ok ? [parsed.threshold] : [];
  });
}
