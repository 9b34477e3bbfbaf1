import { closest, distance } from 'fastest-levenshtein';
import type { ErrorCode } from 'yaml';
import { scenarioSchema, functionSchema, matrixSchema, phaseSchema } from './schema.js';
import { pricesSchema } from './prices.js';
import { adviceSchema } from './advice.js';

const PHASE_KEYS = new Map<string, string[]>(phaseSchema.options.map((o) => [o.shape.kind.value, Object.keys(o.shape)]));
export const PHASE_KINDS = [...PHASE_KEYS.keys()];

/** The kind written in a phase mapping, if it is one we know. */
export function phaseKindOf(value: unknown): string | undefined {
  const kind = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : undefined;
  return typeof kind === 'string' && PHASE_KEYS.has(kind) ? kind : undefined;
}

/** The keys allowed in the mapping at `path`, so an unknown key can be matched to the nearest valid one. */
export function allowedKeysAt(path: readonly PropertyKey[], value: unknown): string[] {
  const [head, index] = path;
  if (path.length === 0) return Object.keys(scenarioSchema.shape);
  if (path.length === 1 && head === 'function') return Object.keys(functionSchema.shape);
  if (path.length === 1 && head === 'matrix') return Object.keys(matrixSchema.shape);
  if (path.length === 1 && head === 'cost') return Object.keys(pricesSchema.shape);
  if (path.length === 1 && head === 'advice') return Object.keys(adviceSchema.shape);
  if (path.length === 2 && head === 'phases' && typeof index === 'number') {
    const kind = phaseKindOf(value);
    return (kind && PHASE_KEYS.get(kind)) || [...new Set([...PHASE_KEYS.values()].flat())];
  }
  return [];
}

// A typo (small edit distance), a case slip or an abbreviation (prefix) all deserve a "did you mean".
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase();
  const byLower = new Map(candidates.map((c) => [c.toLowerCase(), c]));
  const sameLetters = byLower.get(lower);
  if (sameLetters) return sameLetters;
  if (lower.length >= 3) {
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
    if (prefixed.length === 1) return prefixed[0];
  }
  const best = closest(lower, [...byLower.keys()]);
  return distance(lower, best) <= Math.max(1, Math.floor(best.length / 4)) ? byLower.get(best) : undefined;
}

/** "a burst phase", "an idle phase". */
export const phaseNoun = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} phase`;

export function unknownKeyHint(key: string, allowed: string[], phaseKind?: string): string {
  const suggestion = suggest(key, allowed);
  if (suggestion) return `did you mean "${suggestion}"?`;
  const owners = phaseKind ? PHASE_KINDS.filter((k) => PHASE_KEYS.get(k)?.includes(key)) : [];
  const where = phaseKind ? `${phaseNoun(phaseKind)} takes` : 'valid keys here';
  const belongs = owners.length > 0 ? `"${key}" belongs to ${owners.join(', ')} phases; ` : '';
  return `${belongs}${where}: ${allowed.join(', ')}`;
}

export function choiceHint(value: string, choices: readonly string[]): string {
  const suggestion = suggest(value, choices);
  return `${suggestion ? `did you mean "${suggestion}"? ` : ''}valid values: ${choices.join(', ')}`;
}

const YAML_HINTS: Partial<Record<ErrorCode, string>> = {
  DUPLICATE_KEY: 'a key may appear only once per mapping; remove or merge the repeated one',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'a scenario file holds one document; remove the "---" separator or split the file',
  MISSING_CHAR: 'close the bracket or quote opened before this point',
  BAD_DQ_ESCAPE: 'in double quotes a backslash starts an escape; use single quotes or write "\\\\"',
  TAG_RESOLVE_FAILED: 'scenario files need no YAML tags; remove the "!tag"',
  BLOCK_AS_IMPLICIT_KEY: 'a key and its ": " must be on one line; look for a missing colon or quote above',
  MULTILINE_IMPLICIT_KEY: 'a key and its ": " must be on one line; look for a missing colon or quote above',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
};

// The YAML library's messages say what broke; the hint says what to change.
export function yamlHint(code: ErrorCode): string {
  return YAML_HINTS[code] ?? 'check the indentation: nested keys need more spaces than their parent, and items of one list line up';
}
