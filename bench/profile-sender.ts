// Profiling aid (issue 13): the open-loop sender alone at BENCH_RATE req/s for BENCH_S seconds against a trivial
// server in another process. Run with `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/profile-sender.ts`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runOpenLoop } from '../src/load/openLoop.js';

const SERVER = "const s=require('http').createServer((q,r)=>r.end('ok'));s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
const rate = Number(process.env.BENCH_RATE) || 20_000;
const seconds = Number(process.env.BENCH_S) || 3;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
try {
  const run = await runOpenLoop({ kind: 'constant', rate, duration: seconds * 1000 }, { url: `http://127.0.0.1:${port}`, timeoutMs: 5000, onOutcome: () => undefined });
  console.log(JSON.stringify({ rate, sent: run.sent, scheduled: run.scheduled, achieved: Math.round(run.achievedRate), lag: run.sendLag }));
} finally {
  child.kill('SIGKILL');
}
