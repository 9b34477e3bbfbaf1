import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { readResults } from '../../src/results/store.js';
import { validateRun, type Validation } from '../../src/plan/validate.js';
import { captureIO } from '../helpers/io.js';

// `coldlab plan --validate` on real runs (process runtime, real gateway, ~20 s of load each): the simulator,
// given a run's own arrivals, policy and measured service times, must predict what the run measured.
let out: string;
const validations = new Map<string, Validation>();

async function runAndValidate(scenario: string): Promise<Validation> {
  const io = captureIO();
  const code = await main(['run', scenario, '--out', out, '--json'], io);
  const line = io.stdout().trim().split('\n').pop() ?? '{}';
  if (!line.startsWith('{')) throw new Error(`no JSON output (exit ${code}); stderr:\n${io.stderr()}`);
  const result = await readResults((JSON.parse(line) as { results: string }).results);
  const [validation] = validateRun(result, 1);
  if (!validation) throw new Error('no variant');
  return validation;
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'coldlab-plan-it-'));
  for (const name of ['plan-steady', 'plan-bursts', 'plan-trace']) validations.set(name, await runAndValidate(`test/data/runs/${name}.yaml`));
}, 240_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

// Cold-start rate and mean instances within `bound`, P99 within 20%. Runs are small (55–140 requests), so one
// keep-alive close call flips several cold starts at once: plan-bursts and plan-trace keep their idle gaps
// clear of keep-alive (see plan-trace.yaml) and hold 15%. plan-steady cannot: a quarter of its Poisson gaps
// outlast keep-alive by design, so a few end within a reaper tick of it in every run; on 2026-11-26 three
// quiet-host runs were off by +2.0%, −13.0% and +15.4%, hence 20% for it.
describe.each([
  ['plan-steady', 0.2],
  ['plan-bursts', 0.15],
  ['plan-trace', 0.15],
])('plan --validate on a real run of %s', (name, bound) => {
  it(`predicts the cold-start rate and mean instances within ${bound * 100}%, P99 within 20%`, () => {
    const v = validations.get(name);
    expect(v?.skipped).toBeUndefined();
    const { predicted, measured, error } = v ?? {};
    // Shown on failure: the figures, not just the ratio.
    const detail = JSON.stringify({ predicted: { cold: predicted?.coldStartProbability, p99: predicted?.p99Ms, instances: predicted?.meanInstances }, measured: { cold: measured?.coldStartProbability, p99: measured?.p99Ms, instances: measured?.meanInstances } });
    expect(measured?.coldRequests, detail).toBeGreaterThan(3);
    // A relative bound cannot be finer than the counts it compares. On the 2-core AMD EPYC host of
    // 2026-11-27 plan-trace had 6–8 cold requests of 55 (13 on the host it was tuned on), so 15% was less than
    // one request, and 2 of 7 runs missed by one or two (7 predicted vs 6 measured, 6 vs 8). Within two
    // cold requests counts as a hit; past that the relative bound holds.
    const coldMiss = Math.abs((predicted?.coldRequests ?? Infinity) - (measured?.coldRequests ?? 0));
    // "Within" includes the bound itself, which floating point can overshoot: a CI run on 2026-12-06 predicted
    // 56 cold requests where 70 were measured, an error of exactly 20% that came out as 0.20000000000000007.
    const within = bound + 1e-12;
    if (coldMiss > 2) expect(Math.abs(error?.coldStartProbability ?? Infinity), detail).toBeLessThanOrEqual(within);
    expect(Math.abs(error?.meanInstances ?? Infinity), detail).toBeLessThanOrEqual(within);
    // A P99 on the cliff between the warm and the cold tail is not compared, and the output says why.
    if (error && error.p99Ms === undefined) expect(v?.notes?.join(' ')).toContain('P99 not compared');
    else expect(Math.abs(error?.p99Ms ?? Infinity), detail).toBeLessThanOrEqual(0.2);
  });
});
