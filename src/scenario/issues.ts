import type { z } from 'zod';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { LIMITS, formatNumber } from './limits.js';
import { formatMs } from '../util/duration.js';
import { allowedKeysAt, choiceHint, phaseKindOf, phaseNoun, unknownKeyHint, PHASE_KINDS } from './hints.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];
/** An issue with its path made absolute (issues inside a union branch carry paths relative to the union). */
interface Located {
  issue: Issue;
  path: Path;
}

// A union branch that failed on the value's shape (a list where it wants a scalar…) is not the one the user meant.
function wrongShape(branch: readonly Issue[]): boolean {
  return branch.some(
    (e) =>
      e.path.length === 0 &&
      (e.code === 'invalid_type' || e.code === 'invalid_value' || (e.code === 'invalid_union' && e.errors.length > 0 && e.errors.every(wrongShape))),
  );
}

// `x: value | [values]` fields are unions; report only the branch the user meant, at full depth.
function flatten(issue: Issue, prefix: Path): Located[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path }];
  const meant = issue.errors.find((branch) => !wrongShape(branch)) ?? issue.errors[0] ?? [];
  return meant.flatMap((e) => flatten(e, path));
}

function valueAt(root: unknown, path: Path): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const dotted = (path: Path): string =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'scenario';

type Described = Pick<Problem, 'message' | 'hint'>;

const EXPECTED_WORDS: Record<string, string> = { string: 'text', object: 'a mapping', array: 'a list', number: 'a number', int: 'a whole number', boolean: 'true or false' };
const expectedWords = (expected: string): string => EXPECTED_WORDS[expected] ?? expected;

// What the user wrote, named the way YAML authors think of it.
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

// Keys whose numbers are milliseconds: their bounds read as durations (24h, not 86400000).
const DURATION_KEYS = new Set(['duration', 'every', 'keepAliveMs', 'requestTimeoutMs']);
const isDurationPath = (path: Path): boolean => DURATION_KEYS.has(String([...path].reverse().find((p) => typeof p === 'string') ?? ''));

// zod says "Too small: expected number to be >=0"; a scenario author reads "at least 0".
function boundMessage(issue: Issue & { code: 'too_small' | 'too_big' }, path: Path): string | undefined {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const word = small ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than';
  if (issue.origin === 'number' || issue.origin === 'int') return `must be ${word} ${isDurationPath(path) ? formatMs(bound) : formatNumber(bound)}`;
  if (issue.origin === 'array') return `needs ${word} ${bound} item${bound === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return `needs ${word} ${bound} character${bound === 1 ? '' : 's'}`;
  return undefined;
}

// A value of the wrong type: say what was written and what to write instead.
function explainType(issue: Issue & { code: 'invalid_type' }, path: Path, value: unknown): Described {
  const name = dotted(path);
  const key = String(path[path.length - 1] ?? 'scenario');
  const expected = expectedWords(issue.expected);
  if (value === undefined) {
    const parent = path.length > 1 ? ` in ${dotted(path.slice(0, -1))}` : '';
    return { message: `missing required key "${key}"${parent}`, hint: `add "${key}:" to this mapping (${expected})` };
  }
  if (value === null) return { message: `${name} has no value`, hint: `write a value after "${key}:" (${expected})` };
  const keys = issue.expected === 'object' ? allowedKeysAt(path, value) : [];
  if (keys.length > 0) return { message: `${name}: expected a mapping, got ${shapeOf(value)}`, hint: `write these keys under it: ${keys.join(', ')}` };
  if (issue.expected === 'boolean') return { message: `${name}: expected true or false`, hint: 'write true or false (yes/no/on/off are strings in YAML 1.2)' };
  if (issue.expected === 'number' && typeof value === 'string') return { message: `${name}: expected a number, got "${value}"`, hint: 'write a plain number, without quotes or units' };
  if (issue.expected === 'string' && typeof value !== 'object') return { message: `${name}: expected text, got ${String(value)}`, hint: `quote it: "${String(value)}"` };
  return { message: `${name}: expected ${expected}, got ${shapeOf(value)}` };
}

// One zod issue in words a scenario author can act on; `value` is what they wrote at the issue's path.
function explain(issue: Issue, path: Path, raw: unknown): Described {
  const name = dotted(path);
  const value = valueAt(raw, path);
  if (issue.code === 'invalid_union' && issue.discriminator === 'kind') {
    if (value !== undefined) return { message: `${name}: unknown phase kind "${String(value)}"`, hint: choiceHint(String(value), PHASE_KINDS) };
    return { message: `missing required key "kind" in ${dotted(path.slice(0, -1))}`, hint: `add "kind:", one of: ${PHASE_KINDS.join(', ')}` };
  }
  if (issue.code === 'invalid_type') return explainType(issue, path, value);
  // Our own refinements (schema.ts) word the whole message and carry their hint in params.
  // `at` asks for the path in front: a duration's message does not know which key it is.
  if (issue.code === 'custom' && typeof issue.params?.hint === 'string') return { message: issue.params.at === true ? `${name}: ${issue.message}` : issue.message, hint: issue.params.hint };
  if (issue.code === 'custom' && !issue.params) return { message: `${name}: ${issue.message}` };
  const bound = issue.code === 'too_small' || issue.code === 'too_big' ? boundMessage(issue, path) : undefined;
  if (bound) {
    const got = typeof value === 'number' ? ` (got ${formatNumber(value)}${isDurationPath(path) ? ' ms' : ''})` : '';
    return { message: `${name} ${bound}${got}`, ...(issue.code === 'too_big' ? { hint: 'see docs/limits.md in the coldlab repository for every limit and why it is there' } : {}) };
  }
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    return { message: `${name}: "${value}" is not allowed`, hint: choiceHint(value, issue.values.map(String)) };
  }
  return { message: `${name}: ${issue.message}` };
}

/** Turns zod issues into positioned problems with hints a user can act on. */
export function issuesToProblems(issues: readonly Issue[], raw: unknown, file: string, where: PositionFinder): Problem[] {
  const problems: Problem[] = [];
  for (const { issue, path } of issues.flatMap((i) => flatten(i, []))) {
    if (issue.code === 'unrecognized_keys') {
      const mapping = valueAt(raw, path);
      const kind = path[0] === 'phases' && path.length === 2 ? phaseKindOf(mapping) : undefined;
      const allowed = allowedKeysAt(path, mapping);
      const inWhat = path.length === 0 ? '' : ` in ${dotted(path)}${kind ? ` (${phaseNoun(kind)})` : ''}`;
      const plain = `valid keys here: ${allowed.join(', ')}`;
      // Keys come in file order, so only the first ones of a mapping can be among the problems shown: the rest get the plain hint.
      issue.keys.forEach((key, index) => {
        const hint = index < LIMITS.problemsShown ? unknownKeyHint(key, allowed, kind) : plain;
        problems.push({ file, ...where.ofKey(path, key), message: `unknown key "${key}"${inWhat}`, hint });
      });
      continue;
    }
    const { message, hint } = explain(issue, path, raw);
    const { line, col } = where.ofPath(path);
    problems.push(hint === undefined ? { file, line, col, message } : { file, line, col, message, hint });
  }
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.line}:${p.col}:${p.message}`) && seen.add(`${p.line}:${p.col}:${p.message}`));
}
