import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { scenarioSchema, type Scenario } from './schema.js';
import type { FunctionSpec } from './variant.js';
import { ScenarioError, type Problem } from './problems.js';
import { PositionFinder } from './positions.js';
import { issuesToProblems } from './issues.js';
import { semanticProblems } from './semantics.js';
import { ColdlabError, EXIT } from '../util/errors.js';

export interface LoadedScenario {
  /** Absolute path of the scenario file. */
  file: string;
  scenario: Scenario;
  fn: FunctionSpec;
}

/** Parses and validates scenario text; every problem (syntax, schema, meaning) is reported at once. */
export function parseScenarioText(text: string, file: string): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = new PositionFinder(doc, lines);
  const syntax: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...where.at(e.pos[0]),
    message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
    hint: 'check indentation and that every key is followed by ": "',
  }));
  if (doc.errors.length > 0) throw new ScenarioError(syntax);
  const raw: unknown = doc.toJS();
  const parsed = scenarioSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ScenarioError([...syntax, ...issuesToProblems(parsed.error.issues, raw, file, where)]);
  const scenario = parsed.data;
  const fnPath = resolve(dirname(file), scenario.function.path);
  const problems = semanticProblems(scenario, { file, where, functionExists: existsSync(fnPath) });
  if (problems.length > 0) throw new ScenarioError(problems);
  return { file, scenario, fn: { path: fnPath, handler: scenario.function.handler, env: scenario.function.env } };
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = resolve(file);
  const text = await readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ColdlabError('SCENARIO_UNREADABLE', `cannot read scenario ${file}: ${error.code ?? error.message}`, 'check the path; scenarios/ holds ready-made ones', EXIT.usage);
  });
  return parseScenarioText(text, absolute);
}
