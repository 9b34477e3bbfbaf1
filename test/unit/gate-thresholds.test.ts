import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';
import { parseThreshold } from '../../src/scenario/thresholdExpression.js';
import { evaluateThresholds } from '../../src/gate/thresholds.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { runWithReps } from '../helpers/gateRuns.js';

describe('thresholds in the scenario', () => {
  it('reads k6-style expressions in the metric\'s unit', () => {
    const limit = (text: string): number | undefined => {
      const p = parseThreshold(text);
      return p.ok ? p.threshold.limit : undefined;
    };
    expect(limit('warm.p99 < 30ms')).toBe(30_000);
    expect(limit('cold.p50<0.8s')).toBe(800_000);
    expect(limit('coldStartRate < 5%')).toBe(0.05);
    expect(limit('errorRate <= 0.1%')).toBeCloseTo(0.001);
    expect(limit('cost.perMillion < 2$')).toBe(2);
    expect(limit('cost.perMillion < $0.5')).toBe(0.5);
    expect(limit('warm.p99 30ms')).toBeUndefined();
  });

  it('a list applies to every variant; a bad expression or phase name is a scenario error with line and column', async () => {
    const list = await loadScenario('test/data/gate/many-variants.yaml');
    expect(list.thresholds.map((t) => t.expression)).toEqual(['warm.p99 < 30ms', 'cold.p50 < 800ms', 'coldStartRate < 5%', 'errorRate < 0.1%', 'cost.perMillion < 2$']);
    const error = await loadScenario('test/data/gate/bad-thresholds.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems.map((p) => `${p.line}:${p.col} ${p.message} | ${p.hint ?? ''}`);
    expect(problems).toEqual([
      expect.stringMatching(/^9:7 threshold "wram\.p99 < 30ms": unknown metric "wram\.p99" \| did you mean "warm\.p99"\?/),
      expect.stringMatching(/^10:7 threshold "coldStartRate < 5ms": "5ms" is not a limit for coldStartRate \| write a percentage/),
      expect.stringMatching(/^11:3 thresholds: no phase is named "stedy" \| did you mean "steady"\?/),
    ]);
  });

  it('coldlab run refuses it with exit 2 before anything starts', async () => {
    const io = captureIO();
    expect(await main(['run', 'test/data/gate/bad-thresholds.yaml', '--dry-run'], io)).toBe(2);
    expect(io.stderr()).toMatch(/bad-thresholds\.yaml:9:7 threshold "wram\.p99 < 30ms"/);
  });

  it('each threshold is judged per variant over all its repetitions, with the measured value', () => {
    const run = runWithReps('r', [2000, 2100, 2200]);
    const judged = (text: string) => {
      const p = parseThreshold(text);
      if (!p.ok) throw new Error(p.message);
      return evaluateThresholds([p.threshold], run.variants);
    };
    const [pass] = judged('warm.p50 < 3ms');
    expect(pass).toMatchObject({ passed: true, metric: 'warm.p50' });
    expect(pass!.measured).toBeGreaterThan(1900);
    expect(judged('warm.p50 < 2ms')[0]!.passed).toBe(false);
    expect(judged('coldStartRate < 5%')[0]).toMatchObject({ passed: true, measured: 2 / 202 });
    // Priced with the cost model's list prices: $0.20 per million requests plus GB-seconds of ~2 ms warm and ~300 ms cold requests at 512 MB.
    const cost = judged('cost.perMillion < 2$')[0]!;
    expect(cost.passed).toBe(true);
    expect(cost.measured).toBeGreaterThan(0.2);
    expect(cost.measured).toBeLessThan(0.3);
  });
});
