// Writes a results.json as a long one-variant run on the process runtime would, built through the real
// recorder, timeline, arrival collector and store (only the pool is a small stand-in), to measure the report
// and the file size on issue 13's load without running it for real:
//   npx tsx scripts/long-run-results.mts --seconds 2100 --rate 5000 --out /tmp/long/results.json
// Seeded: the same arguments give the same file. Service times are log-normal around 3 ms; every 300 s a
// 10 s slowdown (service × 6) scales the pool out, and the extra instances expire after keep-alive.
import { parseArgs } from 'node:util';
import { PhaseRecorder, type Outcome } from '../src/results/recorder.js';
import { Timeline } from '../src/results/timeline.js';
import { ArrivalCollector } from '../src/results/arrivals.js';
import { writeResultsAtomic } from '../src/results/store.js';
import { checkResults } from '../src/results/schema.js';
import { SCHEMA_VERSION, type InstanceRecord, type RunResult } from '../src/results/model.js';
import type { Variant } from '../src/scenario/variant.js';
import { mulberry32 } from '../src/util/prng.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2100' }, rate: { type: 'string', default: '5000' }, out: { type: 'string' }, 'keep-alive-ms': { type: 'string', default: '10000' } } });
if (!values.out) throw new Error('--out <results.json> is required');
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const keepAliveMs = Number(values['keep-alive-ms']);
const random = mulberry32(13);
const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random()));

const ORIGIN_US = 5_000_000;
const START_US = 80_000;
const phaseName = 'steady';
const variant: Variant = {
  key: `process/mem=512/prov=0/prewarm=on/ka=${keepAliveMs}/conc=1/max=200`,
  id: `process/mem=512/prov=0/prewarm=on/ka=${keepAliveMs}/conc=1/max=200#1`,
  repetition: 1,
  runtime: 'process',
  memoryMb: 512,
  provisionedConcurrency: 0,
  prewarm: true,
  keepAliveMs,
  instanceConcurrency: 1,
  maxInstances: 200,
  cpus: 0.29,
  phases: [{ kind: 'constant', name: phaseName, rate, duration: seconds * 1000 }],
  requestTimeoutMs: 10_000,
};

// The stand-in pool: instances free at `freeUs`, the most recently freed taken first, idle ones reaped after keep-alive.
interface Sim {
  record: InstanceRecord;
  freeUs: number;
}
const recorder = new PhaseRecorder({ name: phaseName, kind: 'constant', loop: 'open', startMs: 0, targetRate: rate });
const timeline = new Timeline(ORIGIN_US);
const arrivals = new ArrivalCollector(ORIGIN_US);
const records: InstanceRecord[] = [];
let idle: Sim[] = [];
const busy: Sim[] = [];
const total = Math.floor(rate * seconds);
const gapUs = 1e6 / rate;
let nextSecond = 0;
const release = (nowUs: number): void => {
  for (let i = busy.length - 1; i >= 0; i--) {
    const s = busy[i]!;
    if (s.freeUs <= nowUs) {
      busy.splice(i, 1);
      idle.push(s);
    }
  }
  idle.sort((a, b) => a.freeUs - b.freeUs);
};
for (let n = 0; n < total; n++) {
  const atUs = ORIGIN_US + Math.round(n * gapUs);
  const second = Math.floor((atUs - ORIGIN_US) / 1e6);
  while (second >= nextSecond) {
    // Once a second: reap, then the sampler's gauges, as lab/sampler.ts reads them.
    const nowUs = ORIGIN_US + nextSecond * 1e6;
    release(nowUs);
    idle = idle.filter((s) => {
      if (nowUs - s.freeUs < keepAliveMs * 1000) return true;
      s.record.stoppedAtMs = (nowUs - ORIGIN_US) / 1000;
      s.record.stopReason = 'keepalive';
      return false;
    });
    const alive = idle.length + busy.length;
    timeline.gauge(nowUs, { instances: alive, instancesMemoryBytes: Math.round(alive * (38 + random() * 4) * 1024 * 1024), instancesCpuUs: Math.round(0.29 * alive * 1e6 * (0.3 + random() * 0.1)), hostMemAvailableKb: Math.max(0, 6_000_000 - alive * 20_000), hostCachedKb: 1_200_000 });
    nextSecond++;
  }
  if (busy.length > 0 && (busy[0]?.freeUs ?? Infinity) <= atUs) release(atUs);
  const slow = second % 300 >= 150 && second % 300 < 160 ? 6 : 1;
  const serviceUs = Math.max(200, logNormal(3_000 * slow, 0.35));
  let sim = idle.pop();
  let outcome: Outcome;
  if (sim && sim.freeUs <= atUs) {
    sim.freeUs = atUs + serviceUs;
    sim.record.requests++;
    outcome = { intendedUs: atUs, sentUs: atUs + 30, endUs: atUs + 30 + serviceUs + 120, ok: true, status: 200, tags: { startKind: 'warm', instanceId: sim.record.id, queueUs: 60 } };
  } else if (idle.length + busy.length >= variant.maxInstances) {
    // At maxInstances: wait for the first instance to free up, as the pool's queue does.
    if (sim) idle.push(sim);
    sim = busy.shift()!;
    const queueUs = sim.freeUs - atUs;
    sim.freeUs += serviceUs;
    sim.record.requests++;
    outcome = { intendedUs: atUs, sentUs: atUs + 30, endUs: atUs + 30 + queueUs + serviceUs + 120, ok: true, status: 200, tags: { startKind: 'warm', instanceId: sim.record.id, queueUs } };
  } else {
    if (sim) idle.push(sim);
    const startUs = logNormal(START_US, 0.15);
    const record: InstanceRecord = { id: `i${records.length + 1}`, provisioned: false, coldReason: records.length < 20 ? 'scale-out' : 'keepalive-expired', startedAtMs: (atUs - ORIGIN_US) / 1000, readyAtMs: (atUs - ORIGIN_US + startUs) / 1000, start: { initMs: startUs / 2000, bootMs: startUs / 2000, totalMs: startUs / 1000 }, requests: 1, limitsEnforced: true, peakMemoryBytes: 41 * 1024 * 1024, cpuUsageUs: 1e6 };
    records.push(record);
    sim = { record, freeUs: atUs + startUs + serviceUs };
    outcome = { intendedUs: atUs, sentUs: atUs + 30, endUs: atUs + 30 + startUs + serviceUs + 120, ok: true, status: 200, tags: { startKind: 'cold', coldReason: record.coldReason === 'provisioned' ? 'scale-out' : record.coldReason, instanceId: record.id, initMs: startUs / 2000, startMs: startUs / 1000, queueUs: startUs + 60 } };
  }
  busy.push(sim);
  busy.sort((a, b) => a.freeUs - b.freeUs);
  recorder.record(outcome);
  timeline.onOutcome(outcome);
  arrivals.onOutcome(outcome);
}
const durationMs = seconds * 1000 + 50;
for (const s of [...idle, ...busy]) {
  s.record.stoppedAtMs = durationMs;
  s.record.stopReason = 'end-of-variant';
}
const phase = recorder.finish({ durationMs: seconds * 1000, sent: total, scheduled: total, achievedRate: total / seconds, sendLag: { p50Us: 40, p99Us: 900, maxUs: 4_000, growing: false } });
const result: RunResult = {
  schemaVersion: SCHEMA_VERSION,
  tool: { name: 'coldlab', version: 'synthetic' },
  runId: `synthetic-${seconds}s-${rate}rps`,
  scenario: { name: `synthetic ${seconds} s at ${rate} req/s`, file: '/synthetic/long-run.yaml' },
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + durationMs).toISOString(),
  complete: true,
  host: { hostname: 'synthetic', os: 'Linux', kernel: '6.1', cpuModel: 'synthetic', cores: 2, memoryBytes: 8 * 1024 ** 3, node: process.version, cgroupVersion: 2 },
  variants: [
    {
      variant,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs,
      phases: [phase],
      instances: records,
      timeline: timeline.points(),
      limitsEnforced: true,
      notes: [],
      arrivals: arrivals.log(),
      status: 'completed',
    },
  ],
};
// Through the same schema `coldlab report` reads with, so a file this script writes is one coldlab accepts.
const checked = checkResults(JSON.parse(JSON.stringify(result)));
if (!checked.ok) throw new Error(checked.problems.slice(0, 5).join('\n'));
await writeResultsAtomic(values.out, result);
console.log(`${values.out}: ${total} requests, ${records.length} instances, ${result.variants[0]?.timeline.length} timeline seconds, arrival log ${arrivals.size.kept} entries (1 in ${arrivals.size.stride})`);
