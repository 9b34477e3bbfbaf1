import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseScenarioText } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';

const FILE = resolve('test/data/runs/virtual.yaml');
const HELLO = '../../../fixtures/functions/hello.mjs';

function problemsOf(text: string) {
  try {
    parseScenarioText(text, FILE);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('scenario was accepted');
}

const valid = `name: ok
function:
  path: ${HELLO}
phases:
  - kind: constant
    rate: 10
    duration: 2s
`;

describe('scenario loading', () => {
  it('accepts a valid scenario, applies defaults and resolves the function path', () => {
    const loaded = parseScenarioText(valid, FILE);
    expect(loaded.scenario.matrix.memoryMb).toBe(512);
    expect(loaded.scenario.phases[0]).toMatchObject({ kind: 'constant', duration: 2000 });
    expect(loaded.fn.path).toBe(resolve('fixtures/functions/hello.mjs'));
  });

  it('reports every problem at once with line, column and hints', () => {
    const problems = problemsOf(`name: bad
function:
  path: ${HELLO}
  hadler: h
matrix:
  memoryMB: 256
phases:
  - kind: constnt
    rate: 1
  - kind: constant
    rate: -1
    duration: soon
`);
    expect(problems.map((p) => [p.line, p.col])).toEqual([
      [4, 3],
      [6, 3],
      [8, 11],
      [11, 11],
      [12, 15],
    ]);
    expect(problems[0]?.hint).toContain('"handler"');
    expect(problems[1]?.hint).toContain('"memoryMb"');
    expect(problems[2]?.hint).toContain('constant, poisson');
    expect(problems[4]?.message).toContain('not a duration');
  });

  it('suggests the full key for an abbreviation and lists keys when nothing is close', () => {
    const problems = problemsOf(`${valid}matrix:\n  provisioned: 1\n  zzz: 1\n`);
    expect(problems.find((p) => p.message.includes('provisioned'))?.hint).toContain('provisionedConcurrency');
    expect(problems.find((p) => p.message.includes('zzz'))?.hint).toContain('valid keys here');
  });

  it('reports YAML syntax errors with positions', () => {
    const problems = problemsOf('name: [unclosed\nphases: x\n');
    expect(problems[0]?.message).toMatch(/^YAML/);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it('checks meaning: the function exists, provisioned ≤ max instances, some phase sends load', () => {
    const problems = problemsOf(`name: x
function:
  path: ./missing.mjs
matrix:
  provisionedConcurrency: [0, 5]
  maxInstances: 2
phases:
  - kind: idle
    duration: 1s
`);
    expect(problems.map((p) => p.line)).toEqual([3, 5, 8]);
  });
});

describe('matrix expansion', () => {
  it('takes the cartesian product, repetitions interleaved, CPU share from memory', () => {
    const loaded = parseScenarioText(`${valid}matrix:\n  memoryMb: [128, 1769, 4096]\n  provisionedConcurrency: [0, 1]\nrepetitions: 2\n`, FILE);
    const variants = expandVariants(loaded.scenario, { hostCores: 2 });
    expect(variants).toHaveLength(12);
    expect(variants.slice(0, 6).every((v) => v.repetition === 1)).toBe(true);
    expect(variants[0]?.id).toBe('process/mem=128/prov=0/prewarm=on/ka=60000/conc=1/max=10#1');
    expect(variants.find((v) => v.memoryMb === 1769)?.cpus).toBe(1);
    expect(variants.find((v) => v.memoryMb === 4096)?.cpus).toBe(2);
    expect(variants[0]?.phases[0]?.name).toBe('1-constant');
  });
});

describe('JSON Schema', () => {
  it('describes the top-level keys for editors', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'function', 'matrix', 'phases']));
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'function', 'phases']));
  });
});
