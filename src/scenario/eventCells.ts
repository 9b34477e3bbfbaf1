import type { Scenario } from './schema.js';
import type { Variant } from './variant.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_ACK_PENDING, EVENTS_DEFAULTS, type EventsSettings } from './events.js';

// The matrix's event knobs and the events block, as variants carry them (schema pieces: events.ts).

const hasEventPhases = (scenario: Pick<Scenario, 'phases'>): boolean => scenario.phases.some((p) => p.kind === 'events');

const many = <T>(v: T | T[] | undefined, fallback: T): T[] => (v === undefined ? [fallback] : Array.isArray(v) ? v : [v]);

/** The event knobs of each cell: one per ackWaitMs × maxAckPending when the scenario has event phases, else one empty cell. */
export function eventCells(scenario: Scenario): Array<Pick<Variant, 'ackWaitMs' | 'maxAckPending' | 'events'>> {
  if (!hasEventPhases(scenario)) return [{}];
  const events: EventsSettings = scenario.events ?? { ...EVENTS_DEFAULTS };
  const { ackWaitMs, maxAckPending } = scenario.matrix;
  return many(ackWaitMs, DEFAULT_ACK_WAIT_MS).flatMap((ack) => many(maxAckPending, DEFAULT_MAX_ACK_PENDING).map((map) => ({ ackWaitMs: ack, maxAckPending: map, events })));
}

/** The variant key's suffix for its event knobs ("" without event phases). */
export const eventKey = (cell: Pick<Variant, 'ackWaitMs' | 'maxAckPending'>): string =>
  cell.ackWaitMs === undefined ? '' : `/ackwait=${cell.ackWaitMs}/map=${cell.maxAckPending ?? DEFAULT_MAX_ACK_PENDING}`;

/** Event knobs or an events block without event phases do nothing: said, with the line. */
export function eventsProblems(scenario: Scenario, { file, where }: { file: string; where: PositionFinder }): Problem[] {
  if (hasEventPhases(scenario)) return [];
  const problems: Problem[] = [];
  const hint = 'add a phase of kind events (e.g. { kind: events, publish: { kind: burst, size: 20, every: 0, count: 1 } }) or remove it';
  for (const key of ['ackWaitMs', 'maxAckPending'] as const) {
    if (scenario.matrix[key] !== undefined) problems.push({ file, ...where.ofPath(['matrix', key]), message: `matrix.${key} applies only to event phases, and no phase has kind events`, hint });
  }
  if (scenario.events !== undefined) problems.push({ file, ...where.ofPath(['events']), message: 'events: applies only to event phases, and no phase has kind events', hint });
  return problems;
}
