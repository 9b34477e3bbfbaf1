// one-off experiment (not committed): lazy restore with memory-backend-file + x-ignore-shared under QEMU 7.2
import { resolve, join } from 'node:path';
import { stat } from 'node:fs/promises';
import { MicrovmRuntime } from './src/runtimes/microvm/runtime.js';
import { launchGuest } from './src/runtimes/microvm/boot.js';
import { qemuArgs } from './src/runtimes/microvm/qemu.js';
import { spawnQemu, freePort } from './src/runtimes/microvm/spawn.js';
import { firstHealth } from './src/runtimes/microvm/ready.js';
import { Qmp, migrateToFile } from './src/runtimes/microvm/qmp.js';
import { nowUs } from './src/util/clock.js';
const dir = '/tmp/wt26-lazy';
const runtime = new MicrovmRuntime();
const runId = `lazy-${process.pid}`;
const base = { key: 'lazy/boot', id: 'p#1', repetition: 1, runtime: 'microvm' as const, memoryMb: 256, provisionedConcurrency: 0, prewarm: true, keepAliveMs: 1000, instanceConcurrency: 1, maxInstances: 1, cpus: 0, phases: [], requestTimeoutMs: 5000 };
const prepared = await runtime.prepare({ path: resolve('fixtures/functions/hello.mjs'), handler: 'handler', env: {} }, base, runId);
const launch = (prepared.data as { launch: any }).launch;
const ram = join(dir, 'ram.bin'); const state = join(dir, 'state.bin'); const qmpSocket = join(dir, 'qmp.sock');
const mem = (share: boolean) => ['-object', `memory-backend-file,id=ram0,size=${launch.memoryMb}M,mem-path=${ram},share=${share ? 'on' : 'off'}`, '-machine', 'memory-backend=ram0'];
const params = [...launch.params, 'coldlab.instance=snapshot'];
// template
const port0 = await freePort();
const t = await spawnQemu([...qemuArgs({ ...launch, params, hostPort: port0, name: 'coldlab-lazy-template', qmpSocket, snapshotSource: true }), ...mem(true)], []);
const h0 = await firstHealth(`http://127.0.0.1:${port0}`, { deadlineMs: 120000, gone: t.gone });
console.log('template up', !!h0, t.stderrTail());
const qmp = await Qmp.open(qmpSocket);
await qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'x-ignore-shared', state: true }] });
await qmp.execute('stop');
const s0 = nowUs();
await migrateToFile(qmp, state, 120000);
console.log('saved', (nowUs() - s0) / 1000, 'ms', (await stat(state)).size, 'bytes state;', (await stat(ram)).size, 'bytes ram file');
qmp.close(); t.child.kill('SIGKILL'); await t.exit;
for (let i = 0; i < 4; i++) {
  const port = await freePort();
  const sock = join(dir, `q${i}.sock`);
  const args = [...qemuArgs({ ...launch, params, hostPort: port, name: `coldlab-lazy-${i}`, qmpSocket: sock }), ...mem(false), '-incoming', 'defer'];
  const t0 = nowUs();
  const q = await spawnQemu(args, []);
  let qm: Qmp | undefined;
  for (let k = 0; k < 400 && !qm; k++) { try { qm = await Qmp.open(sock); } catch { await new Promise((r) => setTimeout(r, 5)); } }
  const tq = (nowUs() - t0) / 1000;
  await qm!.execute('migrate-set-capabilities', { capabilities: [{ capability: 'x-ignore-shared', state: true }] });
  await qm!.execute('migrate-incoming', { uri: `exec:cat ${state}` });
  console.log('qmp ready after', tq, 'ms; incoming started after', (nowUs() - t0) / 1000);
  const clock = q.console.clockFromRtc(60000);
  const h = await firstHealth(`http://127.0.0.1:${port}`, { deadlineMs: 60000, gone: q.gone });
  const ms = (nowUs() - t0) / 1000;
  const secs = await clock;
  if (!h) { console.log('no health', q.gone(), q.stderrTail(), q.console.lastLines(10)); q.child.kill('SIGKILL'); await q.exit; continue; }
  const r = await fetch(`http://127.0.0.1:${port}/`); const body = await r.text();
  const status = await (await import('node:fs/promises')).readFile(`/proc/${q.child.pid}/status`, 'utf8').catch(() => '');
  console.log(JSON.stringify({ i, ok: !!h, ms, clockOk: secs !== undefined && Math.abs(secs - Date.now() / 1000) < 3, body: body.slice(0, 80), rssKb: /VmRSS:\s+(\d+)/.exec(status)?.[1], err: q.stderrTail() }));
  q.child.kill('SIGKILL'); await q.exit;
}
await runtime.dispose(runId);
