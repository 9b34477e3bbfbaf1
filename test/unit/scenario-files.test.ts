import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError, type Problem } from '../../src/scenario/problems.js';
import { EXIT } from '../../src/util/errors.js';

const DATA = resolve('test/data/scenarios');

async function problemsOf(name: string): Promise<Problem[]> {
  const error: unknown = await loadScenario(resolve(DATA, name)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ScenarioError)) throw new Error(`${name} was accepted or failed otherwise: ${String(error)}`);
  expect(error.code).toBe('SCENARIO_INVALID');
  expect(error.exitCode).toBe(EXIT.usage);
  return error.problems;
}

const at = (problems: Problem[]) => problems.map((p) => `${p.line}:${p.col}`);

// Every fixture under test/data/scenarios, loaded from disk as the CLI does.
describe('scenario files', () => {
  it('loads the valid scenario with defaults filled and the function path absolute', async () => {
    const loaded = await loadScenario(resolve(DATA, 'valid.yaml'));
    expect(loaded.file).toBe(resolve(DATA, 'valid.yaml'));
    expect(loaded.fn).toEqual({ path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: { GREETING: 'hi' } });
    expect(loaded.scenario.matrix.keepAliveMs).toBe(1500);
    expect(loaded.scenario.requestTimeoutMs).toBe(5000);
    expect(loaded.scenario.phases.map((p) => p.kind)).toEqual(['burst', 'constant', 'idle', 'poisson', 'ramp', 'saturate']);
  });

  it('reports every problem of a file at once, in file order, at the offending node', async () => {
    const problems = await problemsOf('many-problems.yaml');
    expect(at(problems)).toEqual(['5:3', '7:3', '9:11', '13:11', '14:15', '15:14']);
    expect(problems.map((p) => p.hint)).toEqual([
      'did you mean "handler"?',
      'did you mean "memoryMb"?',
      expect.stringContaining('did you mean "constant"? valid values: constant, poisson, ramp, burst, idle, saturate'),
      expect.stringContaining('number'),
      undefined,
      undefined,
    ]);
    expect(problems[4]?.message).toContain('"soon" is not a duration');
    expect(problems.every((p) => p.file === resolve(DATA, 'many-problems.yaml'))).toBe(true);
  });

  it('formats the message as a heading, then file:line:col lines with indented hints', async () => {
    const error = await loadScenario(resolve(DATA, 'many-problems.yaml')).catch((e: unknown) => e);
    if (!(error instanceof ScenarioError)) throw new Error('expected a ScenarioError');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid scenario (6 problems), nothing was started:');
    expect(lines[1]).toBe('test/data/scenarios/many-problems.yaml:5:3 unknown key "hadler" in function');
    expect(lines[2]).toBe('  hint: did you mean "handler"?');
    expect(lines.filter((l) => /many-problems\.yaml:\d+:\d+ /.test(l))).toHaveLength(6);
    expect(error.hint).toContain('6 problems');
  });

  it('suggests near keys and lists the valid ones otherwise', async () => {
    const problems = await problemsOf('unknown-keys.yaml');
    expect(at(problems)).toEqual(['6:3', '7:3', '8:3', '13:5', '14:1']);
    expect(problems.map((p) => p.hint)).toEqual([
      'did you mean "provisionedConcurrency"?',
      'did you mean "keepAliveMs"?',
      'valid keys here: memoryMb, provisionedConcurrency, prewarm, keepAliveMs, instanceConcurrency, maxInstances, ociRuntime, microvmStart, wasmStart, wasmReuse, ackWaitMs, maxAckPending',
      '"rate" belongs to constant, poisson phases; a saturate phase takes: name, kind, connections, duration',
      'did you mean "repetitions"?',
    ]);
  });

  it('rejects durations that are not durations, with the schema message', async () => {
    const problems = await problemsOf('bad-duration.yaml');
    expect(at(problems)).toEqual(['6:21', '10:15', '11:19']);
    expect(problems[0]?.message).toBe('matrix.keepAliveMs[1]: "a while" is not a duration; write e.g. 500ms, 5s or 2m');
    expect(problems[1]?.message).toContain('"5 seconds" is not a duration');
    expect(problems[2]?.message).toBe('requestTimeoutMs must be greater than 0ms (got -1 ms)');
  });

  it('reports a missing function module at function.path', async () => {
    const problems = await problemsOf('missing-function.yaml');
    expect(at(problems)).toEqual(['4:9']);
    expect(problems[0]?.message).toContain('"./no-such-function.mjs" does not exist');
    expect(problems[0]?.hint).toContain('relative to the scenario file');
  });

  it('reports provisionedConcurrency above maxInstances at the offending value', async () => {
    const problems = await problemsOf('provisioned-over-max.yaml');
    expect(at(problems)).toEqual(['6:31']);
    expect(problems[0]?.message).toBe('provisionedConcurrency 5 exceeds maxInstances 3 in some combinations');
  });

  it('refuses a scenario whose phases are all idle', async () => {
    const problems = await problemsOf('only-idle.yaml');
    expect(at(problems)).toEqual(['6:3']);
    expect(problems[0]?.message).toContain('no phase sends load');
  });

  it('reports YAML syntax errors with positions and a hint per error', async () => {
    const problems = await problemsOf('broken-yaml.yaml');
    expect(problems[0]).toMatchObject({ line: 3, col: 1, message: 'YAML: Map keys must be unique', hint: expect.stringContaining('only once') });
    expect(problems[1]?.line).toBe(5);
    expect(problems.every((p) => p.message.startsWith('YAML: '))).toBe(true);
  });

  it('turns an unreadable scenario path into a ScenarioError', async () => {
    const problems = await problemsOf('does-not-exist.yaml');
    expect(problems).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'cannot read the scenario file: no such file' })]);
  });
});
