import type { Scenario } from './schema.js';
import { RUNTIME_KNOBS, RUNTIME_KNOB_KEYS, knobOf, type RuntimeKnobKey, type RuntimeKnobValues } from './knobs/index.js';
import type { Variant } from './variant.js';
import { eventCells, eventKey } from './eventCells.js';

export const many = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

// A runtime's own knobs (scenario/knobs/): each value listed for the runtime that knows it, its fallback or
// nothing when the matrix leaves it out; every other runtime gets a single cell without it.
function knobValues(runtime: string, key: RuntimeKnobKey, matrix: Scenario['matrix']): unknown[] {
  const k = knobOf(key);
  if (k.runtime !== runtime) return [undefined];
  const given = matrix[key];
  return given !== undefined ? many<unknown>(given) : [k.fallback];
}

/** Every combination of one runtime's own knobs, as the variant's fields and its key's suffix. */
function knobCells(runtime: string, matrix: Scenario['matrix']): Array<{ values: RuntimeKnobValues; keySuffix: string }> {
  let cells: Array<{ values: Record<string, unknown>; keySuffix: string }> = [{ values: {}, keySuffix: '' }];
  for (const key of RUNTIME_KNOB_KEYS) {
    const values = knobValues(runtime, key, matrix);
    cells = cells.flatMap((cell) =>
      values.map((value) => (value === undefined ? cell : { values: { ...cell.values, [key]: value }, keySuffix: `${cell.keySuffix}/${knobOf(key).keyPart(value)}` })),
    );
  }
  return cells as Array<{ values: RuntimeKnobValues; keySuffix: string }>;
}

/**
 * How many variants (cells × repetitions) the matrix expands into, counted without building them, so a
 * matrix of a million cells is refused before anything (even --dry-run) tries to list it.
 */
export function countVariants(scenario: Scenario): number {
  const values = Object.entries(scenario.matrix).filter(([, v]) => v !== undefined);
  let cells = 0;
  for (const runtime of many(scenario.runtimes)) {
    cells += values.reduce((product, [key, value]) => {
      const only = key in RUNTIME_KNOBS ? knobOf(key as RuntimeKnobKey).runtime : undefined;
      return product * (only !== undefined && only !== runtime ? 1 : many(value).length);
    }, 1);
  }
  return cells * scenario.repetitions;
}

/**
 * Expands the matrix into variants, one repetition after another (all cells of rep 1, then rep 2…),
 * so slow drift on a noisy host spreads across cells instead of landing on one.
 */
export function expandVariants(scenario: Scenario, options: { hostCores: number }): Variant[] {
  const m = scenario.matrix;
  const cells: Omit<Variant, 'id' | 'repetition'>[] = [];
  for (const runtime of many(scenario.runtimes))
    for (const memoryMb of many(m.memoryMb))
      for (const provisionedConcurrency of many(m.provisionedConcurrency))
        for (const prewarm of many(m.prewarm))
          for (const keepAliveMs of many(m.keepAliveMs))
            for (const instanceConcurrency of many(m.instanceConcurrency))
              for (const maxInstances of many(m.maxInstances))
                for (const knobs of knobCells(runtime, m))
                for (const eventCell of eventCells(scenario)) {
                  const key = `${runtime}/mem=${memoryMb}/prov=${provisionedConcurrency}/prewarm=${prewarm ? 'on' : 'off'}/ka=${keepAliveMs}/conc=${instanceConcurrency}/max=${maxInstances}${knobs.keySuffix}${eventKey(eventCell)}`;
                  cells.push({
                    key,
                    ...knobs.values,
                    ...eventCell,
                    runtime,
                    memoryMb,
                    provisionedConcurrency,
                    prewarm,
                    keepAliveMs,
                    instanceConcurrency,
                    maxInstances,
                    cpus: Math.round(Math.min(options.hostCores, memoryMb / scenario.cpuMbPerVcpu) * 1000) / 1000,
                    phases: scenario.phases.map((p, i) => ({ ...p, name: p.name ?? `${i + 1}-${p.kind}` })),
                    requestTimeoutMs: scenario.requestTimeoutMs,
                  });
                }
  const variants: Variant[] = [];
  for (let repetition = 1; repetition <= scenario.repetitions; repetition++) {
    for (const cell of cells) variants.push({ ...cell, repetition, id: `${cell.key}#${repetition}` });
  }
  return variants;
}
