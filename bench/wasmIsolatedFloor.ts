// The isolated floor (bench/wasm-isolated-floor.mjs) behind coldlab's own pool and gateway: a runtime of a few
// lines whose start hands out the thread parked in that process, so a cold start there costs the gateway, the
// connection to the thread and the thread's Wasm work, and nothing else.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from '../src/platform/pool.js';
import { type Gateway, startGateway } from '../src/platform/gateway.js';
import type { Instance } from '../src/runtimes/types.js';
import { handWrittenInstance } from './wasmFloor.js';

export interface IsolatedFloor {
  pool: Pool;
  gateway: Gateway;
  /** Resolves once a thread is parked (the host idle, as before a coldlab sample). */
  parked(): Promise<void>;
  close(): Promise<void>;
}

export async function startIsolatedFloor(module: string, mode: 'fresh' | 'recycled'): Promise<IsolatedFloor> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', resolve('bench/wasm-isolated-floor.mjs'), module, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  // A recycled thread's port outlives its instances: the gateway keeps its connection, as to coldlab's host.
  let closed = (): void => undefined;
  const originExited = new Promise<void>((done) => (closed = done));
  const ports: number[] = [];
  let waiting: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    ports.push((JSON.parse(line) as { port: number }).port);
    waiting?.();
  });
  const parked = async (): Promise<void> => {
    while (ports.length === 0) await new Promise<void>((done) => (waiting = done));
  };
  let n = 0;
  const startInstance = async (): Promise<Instance> => {
    await parked();
    const port = ports.shift()!;
    return handWrittenInstance(`isolated-${++n}`, `http://127.0.0.1:${port}`, () => child.stdin.write(`stop ${port}\n`), mode === 'recycled' ? originExited : undefined);
  };
  const pool = new Pool({ maxInstances: 1, instanceConcurrency: 1, keepAliveMs: 0, provisioned: 0, startInstance });
  const gateway = await startGateway(pool);
  await parked();
  return {
    pool,
    gateway,
    parked,
    close: async () => {
      closed();
      await gateway.close();
      await pool.close();
      child.stdin.end();
      await new Promise((done) => child.once('exit', done));
    },
  };
}
