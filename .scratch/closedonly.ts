import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runClosedLoop } from '../src/load/closedLoop.js';
const SERVER = "const s=require('http').createServer((q,r)=>r.end('ok'));s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((r) => createInterface({ input: child.stdout }).once('line', r));
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 2; i++) {
  const c = await runClosedLoop({ kind: 'saturate', connections: 16, duration: 3000 }, { url, timeoutMs: 5000, onOutcome: () => undefined });
  console.log(`coldlab sent ${c.sent} ${c.achievedRate.toFixed(0)}/wall`);
}
child.kill();
