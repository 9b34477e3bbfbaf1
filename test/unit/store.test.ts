import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults, writeResultsAtomic } from '../../src/results/store.js';
import { SCHEMA_VERSION } from '../../src/results/model.js';
import { ColdlabError } from '../../src/util/errors.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldlab-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ColdlabError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ColdlabError)) throw new Error(`expected a ColdlabError, got ${String(error)}`);
  return error;
}

describe('writeResultsAtomic / readResults', () => {
  it('round-trips a result exactly, histograms included', async () => {
    const result = sampleRunResult();
    const file = join(dir, 'run', 'results.json');
    await writeResultsAtomic(file, result);
    expect(await readResults(file)).toEqual(result);
  });

  it('leaves no temporary file behind and replaces the previous file', async () => {
    const file = join(dir, 'results.json');
    await writeResultsAtomic(file, sampleRunResult({ runId: 'first' }));
    await writeResultsAtomic(file, sampleRunResult({ runId: 'second' }));
    expect(await readdir(dir)).toEqual(['results.json']);
    expect((await readResults(file)).runId).toBe('second');
  });

  it('a write that fails keeps the old file intact and cleans up', async () => {
    const file = join(dir, 'results.json');
    await writeResultsAtomic(file, sampleRunResult({ runId: 'old' }));
    const before = await readFile(file, 'utf8');
    const broken = sampleRunResult({ runId: 'new' });
    Object.defineProperty(broken, 'toJSON', { value: () => { throw new Error('cannot serialise'); } });
    await expect(writeResultsAtomic(file, broken)).rejects.toThrow('cannot serialise');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['results.json']);
  });

  it('a rename that fails removes its temporary file', async () => {
    const target = join(dir, 'results.json');
    await mkdir(join(target, 'occupied'), { recursive: true });
    await expect(writeResultsAtomic(target, sampleRunResult())).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['results.json']);
  });

  it('a reader polling during repeated writes never sees half a file', async () => {
    const file = join(dir, 'results.json');
    const result = sampleRunResult({ variants: [{}, { provisioned: 1 }, { memoryMb: 1024 }, { memoryMb: 2048 }] });
    await writeResultsAtomic(file, result);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 25; i++) await writeResultsAtomic(file, { ...result, runId: `run-${i}` });
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const read = await readResults(file);
      expect(read.variants).toHaveLength(4);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });
});

describe('readResults errors', () => {
  it('a missing file is RESULTS_UNREADABLE, exit 2, with a hint', async () => {
    const error = await rejection(readResults(join(dir, 'nope.json')));
    expect(error.code).toBe('RESULTS_UNREADABLE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('not found');
    expect(error.hint).toContain('coldlab run');
  });

  it('bad or truncated JSON is RESULTS_UNREADABLE', async () => {
    const file = join(dir, 'results.json');
    const text = JSON.stringify(sampleRunResult());
    await writeFile(file, text.slice(0, text.length / 2));
    const error = await rejection(readResults(file));
    expect(error.code).toBe('RESULTS_UNREADABLE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('not valid JSON');
  });

  it('a newer schema version asks for an upgrade', async () => {
    const file = join(dir, 'results.json');
    await writeFile(file, JSON.stringify({ ...sampleRunResult(), schemaVersion: SCHEMA_VERSION + 1 }));
    const error = await rejection(readResults(file));
    expect(error.code).toBe('RESULTS_SCHEMA');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect(error.hint).toMatch(/upgrade/);
  });

  it('an older schema version and a missing version are refused', async () => {
    const file = join(dir, 'results.json');
    await writeFile(file, JSON.stringify({ ...sampleRunResult(), schemaVersion: 0 }));
    expect((await rejection(readResults(file))).code).toBe('RESULTS_SCHEMA');
    await writeFile(file, JSON.stringify({ hello: 'world' }));
    const error = await rejection(readResults(file));
    expect(error.code).toBe('RESULTS_SCHEMA');
    expect(error.message).toContain('no schemaVersion');
  });

  it('a JSON file of the wrong shape names what is missing', async () => {
    const file = join(dir, 'results.json');
    await writeFile(file, JSON.stringify({ ...sampleRunResult(), variants: [{ status: 'completed' }] }));
    const error = await rejection(readResults(file));
    expect(error.code).toBe('RESULTS_SCHEMA');
    expect(error.message).toContain('variants[0].variant: missing');
  });
});
