import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { SAMPLE_HOST, sampleRunResult } from '../helpers/sampleResult.js';
import { hostClass, hostClassesOf } from '../../src/results/hosts.js';
import { mergeShards } from '../../src/results/mergeShards.js';
import { renderHeader } from '../../src/report/header.js';
import type { HostInfo, RunResult } from '../../src/results/model.js';

const BIG: HostInfo = { ...SAMPLE_HOST, hostname: 'bench-02', cpuModel: 'Intel(R) Xeon(R) Platinum 8375C', cores: 8 };

// Two shards of one run: repetition 1 of both cells on shard 1, repetition 2 on shard 2 (the plan's order).
function shards(hostOfSecond: HostInfo): RunResult[] {
  const cells = [{ memoryMb: 128 }, { memoryMb: 256 }];
  const first = sampleRunResult({ runId: 'sweep-20261206-000000-shard1of2', variants: cells.map((c) => ({ ...c, repetition: 1 })) });
  const second = sampleRunResult({ runId: 'sweep-20261206-000000-shard2of2', seed: 7, variants: cells.map((c) => ({ ...c, repetition: 2 })) });
  second.host = hostOfSecond;
  const plan = [...first.variants, ...second.variants].map((v) => v.variant.id);
  return [
    { ...first, shard: { index: 1, count: 2, plan } },
    { ...second, shard: { index: 2, count: 2, plan } },
  ];
}

async function withFiles(results: RunResult[], use: (files: string[], dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'coldlab-hosts-'));
  try {
    const files = await Promise.all(results.map(async (r, i) => {
      const file = join(dir, `r${i}.json`);
      await writeFile(file, JSON.stringify(r));
      return file;
    }));
    await use(files, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('host classes', () => {
  it('leave out the host name and the CPU brand spelling, keep cores, memory, kernel, cgroup and Node', () => {
    expect(hostClass({ ...SAMPLE_HOST, hostname: 'other' })).toBe(hostClass(SAMPLE_HOST));
    expect(hostClass({ ...SAMPLE_HOST, cpuModel: 'Intel(R) Xeon(R) Processor' })).toBe(hostClass({ ...SAMPLE_HOST, cpuModel: 'Intel Xeon® Processor' }));
    expect(hostClass(BIG)).not.toBe(hostClass(SAMPLE_HOST));
    expect(hostClass({ ...SAMPLE_HOST, cgroupVersion: 1 })).not.toBe(hostClass(SAMPLE_HOST));
  });
});

describe('merging shards from several hosts', () => {
  it('same class, other node: variants carry their host, nothing is kept apart', () => {
    const { merged } = mergeShards(shards({ ...SAMPLE_HOST, hostname: 'bench-09' }));
    expect(merged.variants.map((v) => v.host?.hostname)).toEqual(['bench-01', 'bench-01', 'bench-09', 'bench-09']);
    expect(new Set(merged.variants.map((v) => v.variant.key)).size).toBe(2);
    expect(hostClassesOf(merged).size).toBe(1);
  });

  it('different classes: repetitions of one variant are never pooled; each host keeps its own key, with a note', () => {
    const { merged } = mergeShards(shards(BIG));
    const keys = merged.variants.map((v) => v.variant.key);
    expect(new Set(keys).size).toBe(4);
    expect(keys.filter((k) => k.includes('@bench-02'))).toHaveLength(2);
    expect(merged.variants[2]!.notes.join(' ')).toMatch(/never pooled/);
    expect(merged.variants[2]!.variant.id).toBe(`${merged.variants[2]!.variant.key}#2`);
    expect(renderHeader(merged).toString()).toMatch(/MIXED HOSTS/);
  });

  it('advise on such a merge warns that its comparisons cross hosts', async () => {
    const { merged } = mergeShards(shards(BIG));
    await withFiles([merged], async ([file]) => {
      const io = captureIO();
      expect(await main(['advise', file!], io)).toBe(0);
      expect(io.stderr()).toMatch(/warning: the variants ran on 2 host classes \(bench-01, bench-02\)/);
    });
  });

  it('--allow-mixed-hosts pools them under one key and says so', () => {
    const { merged } = mergeShards(shards(BIG), { allowMixedHosts: true });
    expect(new Set(merged.variants.map((v) => v.variant.key)).size).toBe(2);
    expect(merged.variants[0]!.notes.join(' ')).toMatch(/pooled \(--allow-mixed-hosts\)/);
  });
});

describe('commands refuse to mix host classes unless told', () => {
  it('merge of two runs from different classes is a usage error naming the flag; with it the merge goes through', async () => {
    const a = sampleRunResult({ runId: 'a' });
    const b = { ...sampleRunResult({ runId: 'b', seed: 3 }), host: BIG };
    await withFiles([a, b], async ([fa, fb], dir) => {
      const io = captureIO();
      expect(await main(['merge', fa!, fb!, '-o', join(dir, 'm.json')], io)).toBe(2);
      expect(io.stderr()).toMatch(/different classes[\s\S]*--allow-mixed-hosts/);
      const ok = captureIO();
      expect(await main(['merge', fa!, fb!, '-o', join(dir, 'm.json'), '--allow-mixed-hosts'], ok)).toBe(0);
    });
  });

  it('gate --baseline from another class of host is refused (exit 2); --allow-mixed-hosts compares with a warning', async () => {
    const base = sampleRunResult({ runId: 'base' });
    const cand = { ...sampleRunResult({ runId: 'cand', seed: 5 }), host: BIG };
    await withFiles([base, cand], async ([fb, fc]) => {
      const io = captureIO();
      expect(await main(['gate', fc!, '--baseline', fb!], io)).toBe(2);
      expect(io.stderr()).toMatch(/different classes/);
      const told = captureIO();
      expect(await main(['gate', fc!, '--baseline', fb!, '--allow-mixed-hosts'], told)).not.toBe(2);
      expect(told.stderr()).toMatch(/warning: .*different classes/);
    });
  });
});
