import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { Problem } from '../../src/scenario/problems.js';
import { problemsOf as rejected } from '../helpers/scenario.js';

// A file that need not exist: only its folder matters, for the function path.
const FILE = resolve('test/data/scenarios/virtual.yaml');
const HELLO = '../../../fixtures/functions/hello.mjs';

const problemsOf = (text: string): Problem[] => rejected(text, FILE);

const valid = `name: ok
function:
  path: ${HELLO}
phases:
  - kind: constant
    rate: 10
    duration: 2s
`;

// Scenario text straight in the test: the edge cases of turning zod issues into positioned problems.
describe('parseScenarioText', () => {
  it('accepts a valid scenario, applies defaults and resolves paths', () => {
    const loaded = parseScenarioText(valid, 'test/data/scenarios/virtual.yaml');
    expect(loaded.file).toBe(FILE);
    expect(loaded.scenario.matrix.memoryMb).toBe(512);
    expect(loaded.scenario.phases[0]).toMatchObject({ kind: 'constant', duration: 2000 });
    expect(loaded.fn).toEqual({ path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} });
  });

  it('places a missing key at its parent mapping', () => {
    const problems = problemsOf(`name: x\nfunction:\n  handler: h\nphases:\n  - rate: 1\n    duration: 1s\n`);
    expect(problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [3, 3, 'missing required key "path" in function (or "image" and "port")'],
      [5, 5, 'missing required key "kind" in phases[0]'],
    ]);
    expect(problems[1]?.hint).toContain('constant, poisson, ramp, burst, idle, saturate');
  });

  it('reports an empty file as the three required keys', () => {
    const problems = problemsOf('');
    expect(problems.map((p) => p.message)).toEqual(['missing required key "name"', 'missing required key "function"', 'missing required key "phases"']);
    expect(problems.every((p) => p.line === 1 && p.col === 1)).toBe(true);
  });

  it('explains wrong shapes in YAML terms', () => {
    const problems = problemsOf(`name:\nfunction: hello.mjs\nphases:\n  - kind: idle\n    duration: 1s\nmatrix:\n  prewarm: yes\n`);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'name has no value'],
      [2, 'function: expected a mapping, got "hello.mjs"'],
      [7, 'matrix.prewarm: expected true or false'],
    ]);
    expect(problems[1]?.hint).toBe('write these keys under it: path, handler, image, port, wasm, env');
    expect(problems[2]?.hint).toContain('yes/no/on/off are strings');
  });

  it('points into lists at the element that is wrong and suggests enum values', () => {
    const problems = problemsOf(`${valid}runtimes: [proces, docker]\nmatrix:\n  memoryMb: [128, "x", 8]\n`);
    expect(problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [8, 12, 'runtimes[0]: "proces" is not allowed'],
      [8, 20, 'runtimes[1]: "docker" is not allowed'],
      [10, 19, 'matrix.memoryMb[1]: expected a number, got "x"'],
      [10, 24, 'matrix.memoryMb[2] must be at least 16 (got 8)'],
    ]);
    expect(problems[0]?.hint).toBe('did you mean "process"? valid values: process, container, microvm, wasm');
    expect(problems[1]?.hint).toBe('valid values: process, container, microvm, wasm');
  });

  it('finds unknown keys inside flow mappings', () => {
    const problems = problemsOf(`name: x\nfunction: { path: ${HELLO}, hndler: h }\nphases: [{ kind: idle, duration: 1s }]\n`);
    expect(problems).toEqual([expect.objectContaining({ line: 2, col: 58, message: 'unknown key "hndler" in function', hint: 'did you mean "handler"?' })]);
  });

  it('reports YAML warnings together with schema problems', () => {
    const problems = problemsOf(`name: !weird x\nfunction:\n  path: ${HELLO}\nphases: []\n`);
    expect(problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [1, 'YAML'],
      [4, 'phases needs at least 1 item'],
    ]);
  });

  it('does not reject a top-level list silently', () => {
    const problems = problemsOf('- a\n- b\n');
    expect(problems).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'scenario: expected a mapping, got a list' })]);
  });
});
