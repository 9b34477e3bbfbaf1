import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { runClosedLoop } from '../src/load/closedLoop.js';
const SERVER = "const s=require('http').createServer((q,r)=>r.end('ok'));s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((r) => createInterface({ input: child.stdout }).once('line', r));
const url = `http://127.0.0.1:${port}`;
await autocannon({ url, connections: 16, duration: 2 });
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const a = await autocannon({ url, connections: 16, duration: 3 });
  const aw = performance.now() - t0;
  console.log(`autocannon total ${a.requests.total} dur ${a.duration}s wall ${aw.toFixed(0)}ms -> ${(a.requests.total/3).toFixed(0)}/nominal ${(a.requests.total/(aw/1000)).toFixed(0)}/wall`);
  const c = await runClosedLoop({ kind: 'saturate', connections: 16, duration: 3000 }, { url, timeoutMs: 5000, onOutcome: () => undefined });
  console.log(`coldlab sent ${c.sent} dur ${c.durationMs.toFixed(0)}ms -> ${(c.sent/3).toFixed(0)}/nominal ${c.achievedRate.toFixed(0)}/wall`);
}
child.kill();
