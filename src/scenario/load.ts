import { readFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { scenarioSchema, type Scenario } from './schema.js';
import type { FunctionSpec } from './variant.js';
import { ScenarioError, type Problem } from './problems.js';
import { PositionFinder } from './positions.js';
import { issuesToProblems } from './issues.js';
import { semanticProblems } from './semantics.js';
import { yamlHint } from './hints.js';
import { traceProblems, withAbsoluteTraces } from './traces.js';

export interface LoadedScenario {
  /** Absolute path of the scenario file. */
  file: string;
  scenario: Scenario;
  /** The function under test, its path resolved against the scenario file's folder. */
  fn: FunctionSpec;
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** Parses and validates scenario text; every problem (syntax, schema, meaning) is reported at once. */
export function parseScenarioText(text: string, file: string): LoadedScenario {
  const absolute = resolve(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = new PositionFinder(doc, lines);
  // Warnings (an unknown tag…) count too: a benchmark must not run on a half-understood file.
  const syntax: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file: absolute,
    ...where.at(e.pos[0]),
    message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
    hint: yamlHint(e.code),
  }));
  if (doc.errors.length > 0) throw new ScenarioError(syntax);
  const raw: unknown = doc.toJS();
  const parsed = scenarioSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ScenarioError([...syntax, ...issuesToProblems(parsed.error.issues, raw, absolute, where)]);
  const scenario = withAbsoluteTraces(parsed.data, absolute);
  const { path, image, port, handler, env } = scenario.function;
  const fnPath = path === undefined ? undefined : resolve(dirname(absolute), path);
  const problems = [...syntax, ...semanticProblems(scenario, { file: absolute, where, functionExists: fnPath !== undefined && isFile(fnPath) }), ...traceProblems(scenario, { file: absolute, where })];
  if (problems.length > 0) throw new ScenarioError(problems);
  const fn: FunctionSpec = { handler, env, ...(fnPath === undefined ? {} : { path: fnPath }), ...(image === undefined ? {} : { image }), ...(port === undefined ? {} : { port }) };
  return { file: absolute, scenario, fn };
}

/** Reads, parses and validates a scenario file; throws a ScenarioError listing every problem. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new ScenarioError([
      { file: absolute, line: 1, col: 1, message: `cannot read the scenario file: ${reason}`, hint: 'check the path (relative to the current folder); scenarios/ holds ready-made ones' },
    ]);
  }
  return parseScenarioText(text, absolute);
}
