import { ProcessRuntime } from '../src/runtimes/process/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { startGateway } from '../src/platform/gateway.js';
import { runOpenLoop } from '../src/load/openLoop.js';
import { PhaseRecorder } from '../src/results/recorder.js';
import type { Variant, FunctionSpec } from '../src/scenario/variant.js';

export interface GatewayOverhead {
  rate: number;
  rounds: number;
  direct: { p50Us: number; p99Us: number };
  gateway: { p50Us: number; p99Us: number };
}

async function measure(url: string, rate: number, durationMs: number): Promise<{ p50Us: number; p99Us: number }> {
  const recorder = new PhaseRecorder({ name: 'bench', kind: 'constant', loop: 'open', startMs: 0, targetRate: rate });
  const run = await runOpenLoop({ kind: 'constant', rate, duration: durationMs }, { url, timeoutMs: 5000, onOutcome: (o) => recorder.record(o) });
  const result = recorder.finish({ durationMs: run.durationMs, sent: run.sent, achievedRate: run.achievedRate, sendLag: run.sendLag });
  const all = result.latency.all?.corrected;
  return { p50Us: all?.p50Us ?? 0, p99Us: all?.p99Us ?? 0 };
}

/** Same instance, same rate, alternating direct and through-the-gateway rounds so drift hits both alike. */
export async function benchGateway(fn: FunctionSpec, variant: Variant, rate: number, rounds: number, roundMs: number): Promise<GatewayOverhead> {
  const runtime = new ProcessRuntime();
  const runId = `bench-${process.pid}`;
  const prepared = await runtime.prepare(fn, variant);
  const pool = new Pool({
    maxInstances: 1,
    instanceConcurrency: 64,
    keepAliveMs: 3_600_000,
    provisioned: 1,
    startInstance: (instanceId, signal) => runtime.start(prepared, { instanceId, runId, signal }),
  });
  await pool.startProvisioned();
  const gateway = await startGateway(pool);
  const instanceUrl = pool.instances()[0]?.url;
  if (!instanceUrl) throw new Error('no provisioned instance');
  const direct: { p50Us: number; p99Us: number }[] = [];
  const through: { p50Us: number; p99Us: number }[] = [];
  try {
    await measure(instanceUrl, rate, 500); // warm-up both paths' connections and JIT
    await measure(gateway.url, rate, 500);
    for (let i = 0; i < rounds; i++) {
      direct.push(await measure(instanceUrl, rate, roundMs));
      through.push(await measure(gateway.url, rate, roundMs));
    }
  } finally {
    await gateway.close();
    await pool.close();
    await runtime.dispose(runId);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    rate,
    rounds,
    direct: { p50Us: median(direct.map((d) => d.p50Us)), p99Us: median(direct.map((d) => d.p99Us)) },
    gateway: { p50Us: median(through.map((d) => d.p50Us)), p99Us: median(through.map((d) => d.p99Us)) },
  };
}
