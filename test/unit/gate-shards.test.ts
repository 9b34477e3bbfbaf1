import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { sampleRunResult } from '../helpers/sampleResult.js';
import { parseShard, shardOf } from '../../src/scenario/shard.js';
import type { Variant } from '../../src/scenario/variant.js';
import type { RunResult } from '../../src/results/model.js';

const scenario = 'test/data/gate/many-variants.yaml';

async function dryRun(extra: string[]): Promise<Variant[]> {
  const io = captureIO();
  expect(await main(['run', scenario, '--dry-run', '--json', ...extra], io)).toBe(0);
  const [plan] = JSON.parse(io.stdout()) as Array<{ variants: Variant[] }>;
  return plan!.variants;
}

// A results file of one shard, holding one entry per variant of that shard (figures from the sample helper).
function shardResult(variants: Variant[], index: number, count: number, plan: string[]): RunResult {
  const template = sampleRunResult({ variants: [{}] }).variants[0]!;
  return {
    ...sampleRunResult({ runId: `many-variants-20261126-000000-shard${index}of${count}` }),
    thresholds: [{ expression: 'warm.p99 < 1s' }],
    shard: { index, count, plan },
    variants: variants.map((variant) => ({ ...template, variant, status: 'completed' as const })),
  };
}

describe('shards for CI matrices', () => {
  it('contiguous blocks whose sizes differ by at most one, covering the whole list once', () => {
    const items = Array.from({ length: 18 }, (_, i) => i);
    const blocks = [1, 2, 3, 4].map((index) => shardOf(items, { index, count: 4 }));
    expect(blocks.map((b) => b.length)).toEqual([4, 5, 4, 5]);
    expect(blocks.flat()).toEqual(items);
    expect(() => parseShard('5/4')).toThrow(/not a shard/);
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
  });

  it('the shards of a dry run, put together, are the unsharded variant list; merged shard results equal it too', async () => {
    const all = await dryRun([]);
    expect(all).toHaveLength(18);
    const shards = await Promise.all([1, 2, 3, 4].map((i) => dryRun(['--shard', `${i}/4`])));
    expect(shards.flat().map((v) => v.id)).toEqual(all.map((v) => v.id));
    expect(shards[1]!.map((v) => v.id)).toEqual(all.slice(4, 9).map((v) => v.id));

    const dir = await mkdtemp(join(tmpdir(), 'coldlab-shards-'));
    try {
      const plan = all.map((v) => v.id);
      const files = await Promise.all(
        // Given out of order: the merge restores the run's order from the plan.
        [3, 1, 4, 2].map(async (i) => {
          const file = join(dir, `shard${i}.json`);
          await writeFile(file, JSON.stringify(shardResult(shards[i - 1]!, i, 4, plan)));
          return file;
        }),
      );
      const io = captureIO();
      expect(await main(['merge', ...files, '-o', join(dir, 'merged.json')], io)).toBe(0);
      expect(io.stdout()).toContain('merged 4 shard(s) of 4 (18 variants)');
      const merged = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8')) as RunResult;
      expect(merged.variants.map((v) => v.variant.id)).toEqual(plan);
      expect(merged.complete).toBe(true);
      expect(merged.shard).toBeUndefined();
      // Thresholds are judged again on the merged result, once per variant key (6 cells).
      expect(merged.thresholdResults).toHaveLength(6);

      const partial = captureIO();
      expect(await main(['merge', files[0]!, files[1]!, '-o', join(dir, 'partial.json')], partial)).toBe(0);
      expect(partial.stderr()).toContain('shard(s) 2, 4 of 4 missing');
      expect((JSON.parse(await readFile(join(dir, 'partial.json'), 'utf8')) as RunResult).complete).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
