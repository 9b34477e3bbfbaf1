import type { VariantResult } from '../results/model.js';
import type { Variant } from '../scenario/variant.js';
import type { VariantFigures } from './figures.js';
import { RUNTIME_KNOB_KEYS, knobOf, type RuntimeKnobKey } from '../scenario/knobs/index.js';

/** The matrix knobs advice compares one at a time, the others held equal. */
export type Dimension = 'memoryMb' | 'provisionedConcurrency' | 'prewarm';
const KNOBS = ['runtime', ...RUNTIME_KNOB_KEYS, 'memoryMb', 'provisionedConcurrency', 'prewarm', 'keepAliveMs', 'instanceConcurrency', 'maxInstances'] as const;
type Knob = (typeof KNOBS)[number];

// A runtime's own knob reads as its detail row ("OCI runtime crun"); absent on other runtimes.
const runtimeKnobLabel = (key: RuntimeKnobKey) => (v: Variant): string => {
  const value = v[key];
  const [name, text] = knobOf(key).detail;
  return value === undefined ? `${name} default` : `${name} ${text(value)}`;
};

const KNOB_LABEL: Record<Knob, (v: Variant) => string> = {
  runtime: (v) => v.runtime,
  ...(Object.fromEntries(RUNTIME_KNOB_KEYS.map((key) => [key, runtimeKnobLabel(key)])) as Record<RuntimeKnobKey, (v: Variant) => string>),
  memoryMb: (v) => `${v.memoryMb} MB`,
  provisionedConcurrency: (v) => `provisioned ${v.provisionedConcurrency}`,
  prewarm: (v) => `prewarm ${v.prewarm ? 'on' : 'off'}`,
  keepAliveMs: (v) => `keep-alive ${v.keepAliveMs} ms`,
  instanceConcurrency: (v) => `concurrency ${v.instanceConcurrency}`,
  maxInstances: (v) => `max ${v.maxInstances}`,
};

/** Variants that differ only along `dim`, with a label naming what they share (only knobs that vary in the run). */
export interface Group {
  context: string;
  members: VariantFigures[];
}

/** Splits the valid variants into groups that differ only in `dim`; groups with fewer than two values are dropped. */
export function groupsAlong(figures: VariantFigures[], dim: Dimension): Group[] {
  const varying = KNOBS.filter((k) => k !== dim && new Set(figures.map((f) => KNOB_LABEL[k](f.variant))).size > 1);
  const groups = new Map<string, VariantFigures[]>();
  for (const f of figures) {
    const id = KNOBS.filter((k) => k !== dim)
      .map((k) => KNOB_LABEL[k](f.variant))
      .join('|');
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  return [...groups.values()]
    .filter((members) => new Set(members.map((f) => f.variant[dim])).size >= 2)
    .map((members) => ({ context: varying.map((k) => KNOB_LABEL[k](members[0]!.variant)).join(' · '), members }));
}

const WHAT: Record<Dimension, { noun: string; suggest: (seen: Array<number | boolean>) => string; show: (value: number | boolean) => string }> = {
  memoryMb: {
    noun: 'a memory-size recommendation',
    suggest: (seen) => `memoryMb: [${[...new Set([128, 256, 512, 1024, ...(seen as number[])])].sort((a, b) => a - b).join(', ')}]`,
    show: (v) => `${String(v)} MB`,
  },
  provisionedConcurrency: {
    noun: 'a warm-pool recommendation',
    suggest: (seen) => `provisionedConcurrency: [${[...new Set([0, 1, ...(seen as number[])])].sort((a, b) => a - b).join(', ')}]`,
    show: (v) => `provisioned ${String(v)}`,
  },
  prewarm: { noun: 'a prewarm recommendation', suggest: () => 'prewarm: [true, false]', show: (v) => `prewarm ${v ? 'on' : 'off'}` },
};

/**
 * When no group has two valid values along `dim`, what to add to the matrix instead of advice; names the
 * values that were measured but cannot be used (invalid or failed), since re-running those may be enough.
 */
export function matrixHint(dim: Dimension, all: VariantResult[], figures: VariantFigures[]): string | undefined {
  if (groupsAlong(figures, dim).length > 0) return undefined;
  const what = WHAT[dim];
  const valid = [...new Set(figures.map((f) => f.variant[dim]))];
  const unusable = [...new Set(all.filter((v) => v.status !== 'completed' && !valid.includes(v.variant[dim])).map((v) => `${what.show(v.variant[dim])} was ${v.status}`))];
  const measured = valid.length === 0 ? 'no valid variant' : `only ${valid.map(what.show).join(', ')} valid${valid.length > 1 ? ', never with the other knobs equal' : ''}`;
  const rerun = unusable.length > 0 ? `; ${unusable.join(', ')}: re-run it` : '';
  return `no ${what.noun.replace(/^a /, '')}: this run has ${measured}${rerun}. Add ${what.suggest([...valid, ...all.map((v) => v.variant[dim])])} to the matrix for ${what.noun}.`;
}
