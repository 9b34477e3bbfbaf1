import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.js';

const base: ScenarioInput = { name: 'm', function: { path: 'f.mjs' }, phases: [{ kind: 'constant', rate: 1, duration: '1s' }] };
const scenario = (extra: Partial<ScenarioInput>) => scenarioSchema.parse({ ...base, ...extra });

describe('matrix expansion', () => {
  it('gives one variant with the documented key when nothing varies', () => {
    const [only, ...rest] = expandVariants(scenario({}), { hostCores: 8 });
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      key: 'process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10',
      id: 'process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10#1',
      repetition: 1,
      runtime: 'process',
      requestTimeoutMs: 10_000,
      phases: [{ name: '1-constant', kind: 'constant', rate: 1, duration: 1000 }],
    });
  });

  it('takes the full cartesian product, runtime outermost and maxInstances innermost', async () => {
    const loaded = await loadScenario(resolve('test/data/scenarios/valid.yaml'));
    const variants = expandVariants(loaded.scenario, { hostCores: 1 });
    // 2 runtimes × 2 memory sizes × 2 provisioned × 2 prewarm, × 3 repetitions
    expect(variants).toHaveLength(48);
    expect(new Set(variants.map((v) => v.id)).size).toBe(48);
    expect(variants.slice(0, 4).map((v) => v.key)).toEqual([
      'process/mem=128/prov=0/prewarm=on/ka=1500/conc=1/max=4',
      'process/mem=128/prov=0/prewarm=off/ka=1500/conc=1/max=4',
      'process/mem=128/prov=2/prewarm=on/ka=1500/conc=1/max=4',
      'process/mem=128/prov=2/prewarm=off/ka=1500/conc=1/max=4',
    ]);
    expect(variants[8]?.key).toBe('container/mem=128/prov=0/prewarm=on/ka=1500/conc=1/max=4');
    expect(variants.every((v) => v.requestTimeoutMs === 5000)).toBe(true);
    expect(variants[0]?.phases.map((p) => p.name)).toEqual(['1-burst', 'steady', '3-idle', '4-poisson', '5-ramp', '6-saturate']);
  });

  it('groups variants by repetition so repetitions interleave across cells', () => {
    const variants = expandVariants(scenario({ matrix: { memoryMb: [128, 256] }, runtimes: ['process', 'wasm'], repetitions: 3 }), { hostCores: 4 });
    expect(variants.map((v) => v.repetition)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    const cells = variants.slice(0, 4).map((v) => v.key);
    expect(variants.slice(4, 8).map((v) => v.key)).toEqual(cells);
    expect(variants.slice(8).map((v) => v.id)).toEqual(cells.map((k) => `${k}#3`));
  });

  it('derives the CPU share from memory, capped by host cores, rounded to 3 decimals', () => {
    const variants = expandVariants(scenario({ matrix: { memoryMb: [128, 1769, 3538, 10_240] } }), { hostCores: 2 });
    expect(variants.map((v) => v.cpus)).toEqual([0.072, 1, 2, 2]);
    const custom = expandVariants(scenario({ matrix: { memoryMb: 1536 }, cpuMbPerVcpu: 1024 }), { hostCores: 8 });
    expect(custom[0]?.cpus).toBe(1.5);
  });

  it('expands durations and every list knob', () => {
    const variants = expandVariants(
      scenario({ matrix: { keepAliveMs: ['1s', 2000], instanceConcurrency: [1, 4], maxInstances: [2, 3], prewarm: false } }),
      { hostCores: 1 },
    );
    expect(variants.map((v) => [v.keepAliveMs, v.instanceConcurrency, v.maxInstances])).toEqual([
      [1000, 1, 2], [1000, 1, 3], [1000, 4, 2], [1000, 4, 3],
      [2000, 1, 2], [2000, 1, 3], [2000, 4, 2], [2000, 4, 3],
    ]);
    expect(variants.every((v) => !v.prewarm && v.key.includes('/prewarm=off/'))).toBe(true);
  });
});
