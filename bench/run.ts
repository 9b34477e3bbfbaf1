// `npm run bench`: benchmarks of the lab itself. Every figure is measured side by side in this one run
// and printed as a ratio or a difference against its baseline, never against a number written down elsewhere.
import { resolve } from 'node:path';
import type { Variant, FunctionSpec } from '../src/scenario/variant.js';
import { benchGateway } from './gateway.js';
import { benchSender } from './sender.js';
import { benchColdStart } from './coldStart.js';

const fn: FunctionSpec = { path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} };
const variant: Variant = {
  key: 'bench',
  id: 'bench#1',
  repetition: 1,
  runtime: 'process',
  memoryMb: 1769,
  provisionedConcurrency: 1,
  prewarm: true,
  keepAliveMs: 3_600_000,
  instanceConcurrency: 64,
  maxInstances: 1,
  cpus: 1,
  phases: [],
  requestTimeoutMs: 5000,
};
const ms = (us: number): string => `${(us / 1000).toFixed(3)} ms`;

const gw = await benchGateway(fn, variant, 500, 3, 3000);
console.log(`gateway overhead at ${gw.rate} req/s (${gw.rounds} alternating rounds, median of rounds):`);
console.log(`  P50 direct ${ms(gw.direct.p50Us)}  via gateway ${ms(gw.gateway.p50Us)}  added ${ms(gw.gateway.p50Us - gw.direct.p50Us)}`);
console.log(`  P99 direct ${ms(gw.direct.p99Us)}  via gateway ${ms(gw.gateway.p99Us)}  added ${ms(gw.gateway.p99Us - gw.direct.p99Us)}`);

const sender = await benchSender(2000, 5000);
console.log(`open-loop sender at ${sender.targetRate} req/s: achieved ${sender.achievedRate.toFixed(0)} req/s (${((sender.achievedRate / sender.targetRate) * 100).toFixed(1)}%), send lag P50 ${ms(sender.sendLagP50Us)} P99 ${ms(sender.sendLagP99Us)}${sender.lagGrowing ? ' (GROWING)' : ''}`);

const cold = await benchColdStart(fn, variant, 10);
console.log(`process cold start vs bare node spawn (${cold.samples} alternating samples):`);
console.log(`  bare node  P50 ${cold.bareMs.p50.toFixed(1)} ms  max ${cold.bareMs.max.toFixed(1)} ms`);
console.log(`  coldlab    P50 ${cold.coldlabMs.p50.toFixed(1)} ms  max ${cold.coldlabMs.max.toFixed(1)} ms  ratio ${(cold.coldlabMs.p50 / cold.bareMs.p50).toFixed(2)}×`);
