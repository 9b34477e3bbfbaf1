import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import type { RunResult } from '../../src/results/model.js';
import type { Variant } from '../../src/scenario/variant.js';

const SCENARIO = 'test/data/cluster/four.yaml';

// No cluster here: each pod's command (`coldlab shard-task` with the env the manifest gives it and the
// JOB_COMPLETION_INDEX Kubernetes sets) runs as a real process on this host; `k8s collect` merges what they wrote.
describe('Kubernetes shards without a cluster (the pod command run directly)', () => {
  it('two indexes write their shards to the results folder; collect merges them into the unsharded variant list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldlab-k8s-'));
    try {
      const io = captureIO();
      expect(await main(['k8s', 'manifest', SCENARIO, '--shards', '2', '--image', 'coldlab:test'], io)).toBe(0);
      const [config, job] = parseAllDocuments(io.stdout()).map((d) => d.toJS() as { data?: Record<string, string>; metadata: { name: string } });
      const bundleFile = join(dir, 'bundle.json');
      await writeFile(bundleFile, config!.data!['bundle.json']!);
      const resultsDir = join(dir, 'volume', job!.metadata.name);
      for (const index of [0, 1]) {
        const pod = await execa('node', ['bin/coldlab.mjs', 'shard-task'], {
          reject: false,
          env: { JOB_COMPLETION_INDEX: String(index), COLDLAB_SHARDS: '2', COLDLAB_BUNDLE_FILE: bundleFile, COLDLAB_RESULTS_DIR: resultsDir },
        });
        expect(pod.exitCode, pod.stderr).toBe(0);
      }
      const collect = captureIO();
      // 4: a phase could not hold its rate on this shared host (the variant is then invalid, still measured).
      expect([0, 4], collect.stderr()).toContain(await main(['k8s', 'collect', join(dir, 'volume'), '-o', join(dir, 'merged')], collect));
      const merged = JSON.parse(await readFile(join(dir, 'merged', 'results.json'), 'utf8')) as RunResult;
      const dry = captureIO();
      expect(await main(['run', SCENARIO, '--dry-run', '--json'], dry)).toBe(0);
      const [plan] = JSON.parse(dry.stdout()) as Array<{ variants: Variant[] }>;
      expect(merged.variants.map((v) => v.variant.id)).toEqual(plan!.variants.map((v) => v.id));
      expect(merged.complete).toBe(true);
      expect(merged.variants.every((v) => v.status !== 'failed')).toBe(true);
      expect(merged.sources).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
