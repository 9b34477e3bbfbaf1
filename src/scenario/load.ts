import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { scenarioSchema, type Scenario } from './schema.js';
import type { FunctionSpec } from './variant.js';
import { ScenarioError } from './problems.js';
import { issuesToProblems } from './issues.js';
import { semanticProblems } from './semantics.js';
import { traceProblems, withAbsoluteTraces } from './traces.js';
import { parseYaml, yamlToData } from './yamlDocument.js';
import { LIMITS, formatNumber } from './limits.js';
import { scenarioThresholds, thresholdProblems } from './thresholds.js';
import type { Threshold } from './thresholdExpression.js';

export interface LoadedScenario {
  /** Absolute path of the scenario file. */
  file: string;
  scenario: Scenario;
  /** The function under test, its path resolved against the scenario file's folder. */
  fn: FunctionSpec;
  /** The baseline function of an A/B scenario (`baseline.function`), resolved like `fn`. */
  baselineFn?: FunctionSpec;
  /** The scenario's thresholds, parsed (empty when it has none). */
  thresholds: Threshold[];
}

type FunctionInput = Scenario['function'];

// Paths are relative to the scenario file's folder; what is absent stays absent (exactOptionalPropertyTypes).
function functionSpec(input: FunctionInput, folder: string): FunctionSpec {
  const { path, image, port, handler, env, wasm } = input;
  return {
    handler,
    env,
    ...(path === undefined ? {} : { path: resolve(folder, path) }),
    ...(image === undefined ? {} : { image }),
    ...(port === undefined ? {} : { port }),
    ...(wasm === undefined ? {} : { wasm: resolve(folder, wasm) }),
  };
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** Parses and validates scenario text; every problem (syntax, schema, meaning) is reported at once. */
export function parseScenarioText(text: string, file: string): LoadedScenario {
  const absolute = resolve(file);
  const yaml = parseYaml(text, absolute);
  const { where, syntax } = yaml;
  if (yaml.broken) throw new ScenarioError(syntax);
  const data = yamlToData(yaml, absolute);
  if ('problem' in data) throw new ScenarioError([...syntax, data.problem]);
  const raw = data.data;
  const parsed = scenarioSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ScenarioError([...syntax, ...issuesToProblems(parsed.error.issues, raw, absolute, where)]);
  const scenario = withAbsoluteTraces(parsed.data, absolute);
  const folder = dirname(absolute);
  const fn = functionSpec(scenario.function, folder);
  const baselineFn = scenario.baseline === undefined ? undefined : functionSpec(scenario.baseline.function, folder);
  const exists = { functionExists: fn.path !== undefined && isFile(fn.path), wasmExists: fn.wasm !== undefined && isFile(fn.wasm) };
  const problems = [
    ...syntax,
    ...semanticProblems(scenario, { file: absolute, where, ...exists }),
    ...traceProblems(scenario, { file: absolute, where }),
    ...thresholdProblems(scenario, { file: absolute, where }),
  ];
  if (baselineFn?.path !== undefined && !isFile(baselineFn.path)) {
    problems.push({
      file: absolute,
      ...where.ofPath(['baseline', 'function', 'path']),
      message: `baseline function module "${scenario.baseline?.function.path}" does not exist`,
      hint: "the path is relative to the scenario file's folder",
    });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { file: absolute, scenario, fn, ...(baselineFn === undefined ? {} : { baselineFn }), thresholds: scenarioThresholds(scenario) };
}

const READ_HINT = 'check the path (relative to the current folder); scenarios/ holds ready-made ones';

// The size is checked before a byte is parsed: a huge file is refused in constant time and memory.
async function readScenarioText(absolute: string): Promise<string> {
  const refuse = (message: string, hint = READ_HINT): ScenarioError => new ScenarioError([{ file: absolute, line: 1, col: 1, message, hint }]);
  let handle;
  try {
    handle = await open(absolute, 'r');
  } catch (error) {
    throw refuse(`cannot read the scenario file: ${error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw refuse('this is a folder, not a scenario file', 'name a .yaml file; scenarios/ holds ready-made ones');
    if (stat.size > LIMITS.scenarioFileBytes) {
      throw refuse(
        `the scenario file is ${formatNumber(stat.size)} bytes, more than the limit of ${formatNumber(LIMITS.scenarioFileBytes)}`,
        'a scenario is a page of YAML: is this the right file? Long data (traces) belongs in files the scenario names',
      );
    }
    const buffer = Buffer.alloc(LIMITS.scenarioFileBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // A file that grew between stat and read (a FIFO, /dev/zero) is held to the same limit.
    if (bytesRead > LIMITS.scenarioFileBytes) throw refuse(`the scenario file is more than the limit of ${formatNumber(LIMITS.scenarioFileBytes)} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw refuse(`cannot read the scenario file: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await handle.close();
  }
}

/** Reads, parses and validates a scenario file; throws a ScenarioError listing every problem. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = resolve(file);
  return parseScenarioText(await readScenarioText(absolute), absolute);
}
