import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Just enough of JSON Schema (the keywords z.toJSONSchema emits here) to check what editors would flag.
function accepts(schema: unknown, value: unknown): boolean {
  if (!isObject(schema)) return true;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => accepts(s, value))) return false;
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => accepts(s, value)).length !== 1) return false;
  if ('const' in schema && schema.const !== value) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) return false;
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) return false;
  switch (schema.type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'number': return typeof value === 'number';
    case 'integer': return Number.isInteger(value);
    case 'array': return Array.isArray(value) && value.every((item) => accepts(schema.items, item));
    case 'object': {
      if (!isObject(value)) return false;
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      if (!required.every((k) => typeof k === 'string' && k in value)) return false;
      return Object.entries(value).every(([k, v]) =>
        k in properties ? accepts(properties[k], v) : schema.additionalProperties !== false && accepts(schema.additionalProperties, v),
      );
    }
    default: return true;
  }
}

const readYaml = (file: string): unknown => parse(readFileSync(file, 'utf8'));

describe('scenario JSON Schema', () => {
  const schema = scenarioJsonSchema();

  it('is a titled draft 2020-12 schema of the top-level keys', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('coldlab scenario');
    const properties = schema.properties as Json;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['name', 'function', 'runtimes', 'matrix', 'phases', 'repetitions', 'requestTimeoutMs']));
    expect(schema.required).toEqual(['name', 'function', 'phases']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys((properties.matrix as Json).properties as Json)).toContain('provisionedConcurrency');
  });

  it('accepts every valid scenario: the test fixture and the ready-made ones', () => {
    const shipped = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => resolve('scenarios', f));
    for (const file of [resolve('test/data/scenarios/valid.yaml'), ...shipped]) {
      expect(accepts(schema, readYaml(file)), file).toBe(true);
    }
  });

  it('flags what an editor should: unknown keys, wrong kinds, non-durations', () => {
    const valid = readYaml('test/data/scenarios/valid.yaml');
    if (!isObject(valid)) throw new Error('fixture is not a mapping');
    expect(accepts(schema, { ...valid, repetitons: 2 })).toBe(false);
    expect(accepts(schema, { ...valid, phases: [{ kind: 'constnt', rate: 1, duration: '1s' }] })).toBe(false);
    expect(accepts(schema, { ...valid, requestTimeoutMs: 'soon' })).toBe(false);
  });
});
