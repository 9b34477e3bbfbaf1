import { closest, distance } from 'fastest-levenshtein';
import { scenarioSchema, functionSchema, matrixSchema, phaseSchema } from './schema.js';

const PHASE_KEYS = new Map<string, string[]>(phaseSchema.options.map((o) => [o.shape.kind.value, Object.keys(o.shape)]));
export const PHASE_KINDS = [...PHASE_KEYS.keys()];

/** The keys allowed in the mapping at `path`, so an unknown key can be matched to the nearest valid one. */
export function allowedKeysAt(path: readonly PropertyKey[], value: unknown): string[] {
  const [head, index] = path;
  if (path.length === 0) return Object.keys(scenarioSchema.shape);
  if (path.length === 1 && head === 'function') return Object.keys(functionSchema.shape);
  if (path.length === 1 && head === 'matrix') return Object.keys(matrixSchema.shape);
  if (path.length === 2 && head === 'phases' && typeof index === 'number') {
    const kind = typeof value === 'object' && value !== null && 'kind' in value ? String(value.kind) : '';
    return PHASE_KEYS.get(kind) ?? [...new Set([...PHASE_KEYS.values()].flat())];
  }
  return [];
}

// A typo (small edit distance) or an abbreviation (prefix) both deserve a "did you mean".
export function suggestKey(key: string, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const lower = key.toLowerCase();
  const prefix = allowed.find((a) => a.toLowerCase().startsWith(lower) || lower.startsWith(a.toLowerCase()));
  if (prefix && lower.length >= 3) return prefix;
  const best = closest(key, allowed);
  return distance(lower, best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

export function unknownKeyHint(key: string, allowed: string[]): string {
  const suggestion = suggestKey(key, allowed);
  return suggestion ? `did you mean "${suggestion}"?` : `valid keys here: ${allowed.join(', ')}`;
}
