import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { pricesOverrideSchema, type PricesOverride } from './prices.js';
import { PositionFinder } from './positions.js';
import { issuesToProblems } from './issues.js';
import { formatProblem, sortProblems, type Problem } from './problems.js';
import { suggest } from './hints.js';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';

/**
 * Reads a `--prices FILE` (YAML or JSON, the keys of a scenario's `cost:`): any subset of the prices,
 * every problem reported at once with file:line:col, exit code 2.
 */
export async function loadPricesFile(file: string): Promise<PricesOverride> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ColdlabError('PRICES_UNREADABLE', `cannot read the prices file ${file}: ${errorMessage(error)}`, 'pass a YAML or JSON file with the keys of a scenario\'s cost: section', EXIT.usage);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = new PositionFinder(doc, lines);
  const problems: Problem[] = doc.errors.map((e) => ({ file: absolute, ...where.at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0] ?? e.message}` }));
  const raw: unknown = problems.length === 0 ? doc.toJS() : undefined;
  const parsed = pricesOverrideSchema.safeParse(raw ?? {});
  if (problems.length === 0 && parsed.success) return parsed.data;
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, raw, absolute, where).map((p) => withKeyHint(p)));
  throw new ColdlabError(
    'PRICES_INVALID',
    [`invalid prices file (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, ...sortProblems(problems).map(formatProblem)].join('\n'),
    `valid keys: ${Object.keys(pricesOverrideSchema.shape).join(', ')}`,
    EXIT.usage,
  );
}

// issuesToProblems knows the scenario's keys, not these: an unknown key gets its "did you mean" here.
function withKeyHint(problem: Problem): Problem {
  const unknown = /^unknown key "([^"]+)"/.exec(problem.message)?.[1];
  if (unknown === undefined) return problem;
  const near = suggest(unknown, Object.keys(pricesOverrideSchema.shape));
  return { ...problem, hint: near ? `did you mean "${near}"?` : `valid keys: ${Object.keys(pricesOverrideSchema.shape).join(', ')}` };
}
