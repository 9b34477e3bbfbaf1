// The hand-written floor (bench/wasm-floor.mjs) run in a worker thread of this process, started before any
// sample, and the one timed GET both sides of the Wasm bench use.
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nowUs } from '../src/util/clock.js';

export interface Floor {
  url: string;
  stop(): Promise<void>;
}

export async function startFloor(module: string): Promise<Floor> {
  const worker = new Worker(resolve('bench/wasm-floor.mjs'), { workerData: { module }, execArgv: ['--disable-warning=ExperimentalWarning'] });
  const { port } = await new Promise<{ port: number }>((done, fail) => worker.once('message', done).once('error', fail));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((done) => worker.once('exit', done));
    },
  };
}

/** One GET, its body read: wall time in ms (this process's clock) and the answer's headers. */
export async function timedGet(url: string): Promise<{ ms: number; headers: Headers }> {
  const started = nowUs();
  const answer = await fetch(url);
  await answer.arrayBuffer();
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  return { ms: (nowUs() - started) / 1000, headers: answer.headers };
}

/** A header's µs figure as ms. */
export const headerMs = (headers: Headers, name: string): number => Number(headers.get(name) ?? NaN) / 1000;
