// worker side: run an open-loop phase, report summary
import { parentPort, workerData } from 'node:worker_threads';
import { runOpenLoop } from '../src/load/openLoop.js';
const { url, rate, ms } = workerData as { url: string; rate: number; ms: number };
let n = 0, bad = 0; const lat: number[] = [];
const run = await runOpenLoop({ kind: 'constant', rate, duration: ms }, { url, timeoutMs: 10000, onOutcome: (o) => { n++; if (!o.ok) bad++; lat.push(o.endUs - o.intendedUs); } });
lat.sort((a, b) => a - b);
parentPort?.postMessage({ sent: run.sent, sched: run.scheduled, lag: run.sendLag, n, bad, p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)] });
