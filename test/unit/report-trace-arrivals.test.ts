import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadChart } from '../../src/report/charts/load.js';
import { renderSvg } from '../../src/present/charts/render.js';
import { scheduleOffsetsUs } from '../../src/load/schedule.js';
import type { Phase } from '../../src/scenario/schema.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

describe('a variant that replayed a trace', () => {
  const result = sampleRunResult();
  const variant = result.variants[0];
  if (!variant) throw new Error('no variant');
  // The variant's first phase result now stands for a trace phase of the same name.
  const trace: Phase = { name: variant.phases[0]?.name ?? 'first', kind: 'trace', file: resolve('fixtures/traces/azure2019-sample.csv'), select: { rank: 1 }, spread: 'poisson', compress: 60, toMinute: 10, seed: 2 };
  const withTrace = { ...variant, phases: variant.phases.slice(0, 1), variant: { ...variant.variant, phases: [trace] } };

  it('gets an arrivals-per-second panel holding exactly the schedule\'s arrivals', async () => {
    const chart = loadChart(withTrace);
    if (!('spec' in chart)) throw new Error(chart.empty);
    const panels = (chart.spec as { vconcat: { data: { values: { kind: string; n: number }[] } }[] }).vconcat;
    const arrivals = panels.flatMap((p) => p.data.values).filter((v) => v.kind === 'arrivals');
    expect(arrivals.reduce((sum, v) => sum + v.n, 0)).toBe(scheduleOffsetsUs(trace).length);
    expect(chart.caption).toMatch(/arrivals the trace replay scheduled/);
    expect(await renderSvg(chart.spec, 't')).toContain('arrivals/s');
  });

  it('has no such panel without a trace phase', () => {
    const chart = loadChart(variant);
    expect('spec' in chart && JSON.stringify(chart.spec).includes('arrivals/s')).toBe(false);
  });
});
