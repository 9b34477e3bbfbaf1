import type { Prices } from '../scenario/prices.js';
import type { Distribution } from './distribution.js';
import { simulate, type SimPolicy, type SimResult } from './simulate.js';
import { CostMeter, type PlanCost } from './price.js';

/** Everything one prediction needs; arrivals come from a factory so every candidate sees the same ones. */
export interface PlanInput {
  arrivals(): () => number;
  horizonUs?: number;
  /** Service times for a memory size (a results file measured each size; given times apply to all). */
  service(memoryMb: number): { warm: Distribution; cold: Distribution };
  policy: SimPolicy;
  memoryMb: number;
  prices: Prices;
  seed: number;
}

export interface Prediction extends SimResult {
  memoryMb: number;
  provisioned: number;
  keepAliveMs: number;
  instanceConcurrency: number;
  cost: PlanCost;
}

/** One simulation of the pool, priced. */
export function predict(input: PlanInput): Prediction {
  const { warm, cold } = input.service(input.memoryMb);
  const meter = new CostMeter(input.memoryMb, input.prices);
  const sim = simulate({
    policy: input.policy,
    nextArrival: input.arrivals(),
    warm,
    cold,
    seed: input.seed,
    onExecution: meter.onExecution,
    ...(input.horizonUs !== undefined ? { horizonUs: input.horizonUs } : {}),
  });
  return {
    ...sim,
    memoryMb: input.memoryMb,
    provisioned: input.policy.provisioned,
    keepAliveMs: input.policy.keepAliveMs,
    instanceConcurrency: input.policy.instanceConcurrency,
    cost: meter.finish(sim.horizonS, input.policy.provisioned),
  };
}

export interface Grid {
  memoryMb: number[];
  provisioned: number[];
  keepAliveMs: number[];
}

export interface CandidateTable {
  rows: (Prediction & { meetsTarget: boolean | undefined })[];
  p99TargetMs?: number;
  /** Cheapest per million requests among those meeting the target (or cheapest overall without a target). */
  best?: Prediction;
}

/** Every memory size × provisioned × keep-alive, each simulated on the same arrivals; the cheapest that meets the P99 target. */
export function candidates(input: PlanInput, grid: Grid, p99TargetMs?: number): CandidateTable {
  const rows: CandidateTable['rows'] = [];
  for (const memoryMb of grid.memoryMb)
    for (const provisioned of grid.provisioned)
      for (const keepAliveMs of grid.keepAliveMs) {
        const policy = { ...input.policy, provisioned, keepAliveMs, maxInstances: Math.max(input.policy.maxInstances, provisioned) };
        const prediction = predict({ ...input, memoryMb, policy });
        rows.push({ ...prediction, meetsTarget: p99TargetMs === undefined ? undefined : prediction.p99Ms <= p99TargetMs });
      }
  const eligible = rows.filter((r) => r.meetsTarget !== false);
  const best = eligible.reduce<Prediction | undefined>((a, r) => (!a || r.cost.perMillionRequests < a.cost.perMillionRequests ? r : a), undefined);
  return { rows, ...(p99TargetMs !== undefined ? { p99TargetMs } : {}), ...(best ? { best } : {}) };
}
