import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { runClosedLoop } from '../src/load/closedLoop.js';
const SERVER = "const s=require('http').createServer((q,r)=>r.end('ok'));s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<string>((r) => createInterface({ input: child.stdout }).once('line', r));
const url = `http://127.0.0.1:${port}`;
await autocannon({ url, connections: 16, duration: 2 });
const cfgs: Record<string, () => Promise<number>> = {
  plain: async () => (await autocannon({ url, connections: 16, duration: 3 })).requests.total,


  coldlab: async () => (await runClosedLoop({ kind: 'saturate', connections: 16, duration: 3000 }, { url, timeoutMs: 5000, onOutcome: () => undefined })).sent,
};
const res: Record<string, number[]> = {};
for (let i = 0; i < 6; i++) for (const [k, f] of Object.entries(cfgs)) (res[k] ??= []).push(Math.round((await f()) / 3));
console.log(res);
child.kill();
