import { ProcessRuntime } from '../src/runtimes/process/runtime.js';
import { Pool } from '../src/platform/pool.js';
import { startGateway } from '../src/platform/gateway.js';
import { runOpenLoop } from '../src/load/openLoop.js';
import { PhaseRecorder } from '../src/results/recorder.js';
import type { Variant, FunctionSpec } from '../src/scenario/variant.js';
import { Client } from 'undici';
import { type Nginx, nginxBinary, startNginx } from './nginx.js';

type Latency = { p50Us: number; p99Us: number };
/** One round on one path: latency and requests sent. */
type Round = Latency & { sent: number };

export interface GatewayOverhead {
  rate: number;
  rounds: number;
  direct: Latency;
  gateway: Latency;
  /** nginx in front of the same instance; a string says why it was not measured. */
  nginx: Latency | string;
  /** max − min of the direct path's P99 over the rounds: the run's own noise at P99. */
  directP99SpreadUs: number;
  /**
   * CPU per proxied request, µs, from sequential requests (one in flight, no open-loop spinning to blur it):
   * the gateway's is this process's CPU per request through it minus per request straight to the instance,
   * nginx's is its own processes' CPU per request (from /proc, 10 ms ticks, hence many requests).
   */
  cpuPerRequestUs: { gateway: number; nginx?: number };
}

const CPU_REQUESTS = 5_000;

// Sequential GETs through one keep-alive connection: the bench process's CPU and nginx's for CPU_REQUESTS of them.
async function cpuOf(url: string, nginxCpu: () => Promise<number>): Promise<{ benchUs: number; nginxUs: number }> {
  const client = new Client(url);
  try {
    for (let i = 0; i < 200; i++) await (await client.request({ path: '/', method: 'GET' })).body.dump();
    const nginx0 = await nginxCpu();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < CPU_REQUESTS; i++) await (await client.request({ path: '/', method: 'GET' })).body.dump();
    const cpu = process.cpuUsage(cpu0);
    return { benchUs: (cpu.user + cpu.system) / CPU_REQUESTS, nginxUs: ((await nginxCpu()) - nginx0) / CPU_REQUESTS };
  } finally {
    await client.close();
  }
}

async function measureLatency(url: string, rate: number, durationMs: number): Promise<Latency & { sent: number }> {
  const recorder = new PhaseRecorder({ name: 'bench', kind: 'constant', loop: 'open', startMs: 0, targetRate: rate });
  const run = await runOpenLoop({ kind: 'constant', rate, duration: durationMs }, { url, timeoutMs: 5000, onOutcome: (o) => recorder.record(o) });
  const result = recorder.finish({ durationMs: run.durationMs, sent: run.sent, achievedRate: run.achievedRate, sendLag: run.sendLag });
  const all = result.latency.all?.corrected;
  return { p50Us: all?.p50Us ?? 0, p99Us: all?.p99Us ?? 0, sent: run.sent };
}

/** Same instance, same rate, rounds alternating direct, gateway and nginx (order rotating) so drift hits all alike. */
export async function benchGateway(fn: FunctionSpec, variant: Variant, rate: number, rounds: number, roundMs: number): Promise<GatewayOverhead> {
  const runtime = new ProcessRuntime();
  const runId = `bench-${process.pid}`;
  const prepared = await runtime.prepare(fn, variant, runId);
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
  const binary = nginxBinary();
  let nginx: Nginx | string = 'nginx is not installed (as root: bash scripts/bench-env.sh gateway)';
  const paths: Array<{ url: string; rounds: Round[]; cpu?: { benchUs: number; nginxUs: number } }> = [];
  const nginxCpu = (): Promise<number> => (typeof nginx === 'string' ? Promise.resolve(0) : nginx.cpuUs());
  try {
    if (binary) nginx = await startNginx(binary, instanceUrl).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    for (const url of [instanceUrl, gateway.url, ...(typeof nginx === 'string' ? [] : [nginx.url])]) paths.push({ url, rounds: [] });
    for (const path of paths) await measureLatency(path.url, rate, 500); // warm-up: connections and JIT on every path
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < paths.length; k++) {
        const path = paths[(i + k) % paths.length];
        if (path) path.rounds.push(await measureLatency(path.url, rate, roundMs));
      }
    }
    for (const path of paths) path.cpu = await cpuOf(path.url, nginxCpu);
  } finally {
    if (typeof nginx !== 'string') await nginx.stop();
    await gateway.close();
    await pool.close();
    await runtime.dispose(runId);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const of = (k: number): Latency => ({ p50Us: median(paths[k]?.rounds.map((d) => d.p50Us) ?? []), p99Us: median(paths[k]?.rounds.map((d) => d.p99Us) ?? []) });
  const directP99 = paths[0]?.rounds.map((d) => d.p99Us) ?? [];
  return {
    rate,
    rounds,
    direct: of(0),
    gateway: of(1),
    nginx: typeof nginx === 'string' ? nginx : of(2),
    directP99SpreadUs: Math.max(...directP99) - Math.min(...directP99),
    cpuPerRequestUs: {
      gateway: (paths[1]?.cpu?.benchUs ?? NaN) - (paths[0]?.cpu?.benchUs ?? NaN),
      ...(paths[2]?.cpu ? { nginx: paths[2].cpu.nginxUs } : {}),
    },
  };
}
