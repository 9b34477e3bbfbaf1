import type { z } from 'zod';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';
import { allowedKeysAt, unknownKeyHint, PHASE_KINDS } from './hints.js';

type Issue = z.core.$ZodIssue;

// `x: value | [values]` fields are unions; report the branch the user meant (the one whose type matched).
function unwrapUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const meant = issue.errors.find((branch) => !branch.some((e) => e.code === 'invalid_type' && e.path.length === 0)) ?? issue.errors[0] ?? [];
  return meant.flatMap((e) => unwrapUnion({ ...e, path: [...issue.path, ...e.path] } as Issue));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const dotted = (path: readonly PropertyKey[]): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');

/** Turns zod issues into positioned problems with hints a user can act on. */
export function issuesToProblems(issues: readonly Issue[], raw: unknown, file: string, where: PositionFinder): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues.flatMap(unwrapUnion)) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(path, valueAt(raw, path));
      for (const key of issue.keys) {
        problems.push({ file, ...where.ofKey(path, key), message: `unknown key "${key}"${path.length ? ` in ${dotted(path)}` : ''}`, hint: unknownKeyHint(key, allowed) });
      }
      continue;
    }
    const position = where.ofPath(path);
    const name = dotted(path) || 'scenario';
    if (issue.code === 'invalid_union' && path[path.length - 1] === 'kind') {
      problems.push({ file, ...position, message: `${name}: unknown phase kind "${String(valueAt(raw, path))}"`, hint: `kind is one of: ${PHASE_KINDS.join(', ')}` });
    } else if (!position.exact && issue.code === 'invalid_type') {
      problems.push({ file, ...position, message: `missing required key "${String(path[path.length - 1])}"${path.length > 1 ? ` in ${dotted(path.slice(0, -1))}` : ''}`, hint: `add "${String(path[path.length - 1])}:" to this mapping (expected ${issue.expected})` });
    } else {
      problems.push({ file, ...position, message: `${name}: ${issue.message}` });
    }
  }
  return problems;
}
