// coldlab Wasm host: one Node process per variant (in the variant's cgroup), holding Wasm instances as worker
// threads, as Spin, Fastly and Cloudflare hold many sandboxes in one host process. One loopback port serves
// every instance, each under its own base path (/i/<id>), so the gateway's kept connections to the host carry
// a new instance's first request too; this thread forwards each request to its instance's worker and enforces
// the per-request timeout. Threads are started ahead of need (parked: isolate booted, worker code loaded), as a
// FaaS platform keeps empty sandboxes ready, so a cold start pays the Wasm work and a handoff, not a thread's
// boot; a thread serves one instance at a time: when that instance is stopped the thread is reset and parked
// again (a crash, a timeout or an out-of-memory ends it), and a new one is parked after each start.
// Plain JavaScript; its HTTP server (./wire.mjs) parses with http-parser-js, which comes with coldlab.
//
// Environment:
//   COLDLAB_WASM_MODULE      path of the module (memory limit already applied by coldlab)
//   COLDLAB_WASM_NAME        module name used in error messages
//   COLDLAB_WASM_START       compile | cached | preinitialized (cached: compiled once here, shared with workers)
//   COLDLAB_WASM_REUSE=1     one instance serves many requests (default: a fresh instance per request)
//   COLDLAB_MEMORY_MB        memory size: each worker's V8 heap limit; the module's linear memory cap
//   COLDLAB_WASM_TIMEOUT_MS  per-request timeout: past it the worker is terminated and replaced
//   COLDLAB_WASM_TMP         folder for per-instance stdin/stdout files
//   COLDLAB_WASM_ENV         JSON object of the function's own environment variables (under the CGI ones)
//   COLDLAB_WASM_PARKED      threads kept parked (default 1; 0: every start boots its thread on the timed path)
// Protocol: prints {"coldlab":"ready","port":N,...} once (after the first threads are parked), then one JSON event per
// line on stdout ("parked", "park-failed", "started", "start-failed", "exit", "request-error"); reads one JSON command
// per line on stdin ({"cmd":"start","id":"i1"}, {"cmd":"stop","id":"i1"}); exits when stdin closes.
import { Worker } from 'node:worker_threads';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fail, percentiles, reply } from './http.mjs';
import { createWireServer } from './wire.mjs';
import { createWaitingRoom } from './early.mjs';

const bootMs = process.uptime() * 1000;
const env = process.env;
const modulePath = env.COLDLAB_WASM_MODULE;
const name = env.COLDLAB_WASM_NAME || 'module';
const mode = env.COLDLAB_WASM_START || 'compile';
const reuse = env.COLDLAB_WASM_REUSE === '1';
const memoryMb = Number(env.COLDLAB_MEMORY_MB || 128);
const timeoutMs = Number(env.COLDLAB_WASM_TIMEOUT_MS || 10_000);
const tmp = env.COLDLAB_WASM_TMP || '/tmp';
const fnEnv = JSON.parse(env.COLDLAB_WASM_ENV || '{}');
const parkedTarget = Math.max(0, Number(env.COLDLAB_WASM_PARKED ?? 1));
// The replacement thread is parked after the new instance's first answer (or this long after its start, if none
// comes): booting a thread costs this thread some work too, which must not land on the cold request's path.
const REFILL_AFTER_MS = 20;
const WORKER = new URL('./worker.mjs', import.meta.url);

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const instances = new Map();
/** Threads waiting for an instance, oldest first. */
const parked = [];
let nextSlot = 0;
let announced = false;
// Instantiate and run times of the requests served so far (the first 100,000), summed up at each instance exit.
const served = { instantiateUs: [], runUs: [] };

function servedSummary() {
  return { count: served.runUs.length, reuse, instantiateUs: percentiles(served.instantiateUs), runUs: percentiles(served.runUs) };
}

// cached: compile once, before any instance starts; a module that does not compile fails every start the same way.
let cached;
let compileMs = 0;
if (mode === 'cached') {
  const started = performance.now();
  try {
    cached = { module: await WebAssembly.compile(readFileSync(modulePath)) };
  } catch (error) {
    cached = { cause: 'invalid-module', message: `module ${name}: is not a valid WebAssembly module (${error.message})` };
  }
  compileMs = performance.now() - started;
}

// Ends an instance: its pending requests fail, its thread ends (or, stopped after it started, is parked again), coldlab hears why.
function finish(inst, reason, detail) {
  if (inst.done) return;
  inst.done = true;
  clearTimeout(inst.refill);
  inst.onParked?.();
  // A parked thread that ended unused: coldlab hears of it, and the next start boots its own thread.
  if (inst.id === undefined) {
    if (parked.includes(inst)) parked.splice(parked.indexOf(inst), 1);
    void inst.worker.terminate();
    rmSync(inst.dir, { recursive: true, force: true });
    return emit({ event: 'park-failed', thread: inst.thread, detail });
  }
  instances.delete(inst.id);
  ended.add(inst.id);
  if (ended.size > 10_000) ended.delete(ended.values().next().value);
  const recyclable = reason === 'stopped' && inst.ready;
  // Its replacement may not be parked yet (a failed start, an instance stopped before its first answer).
  if (!recyclable) setImmediate(refill);
  for (const [rid, pending] of inst.pending) {
    clearTimeout(pending.timer);
    fail(pending.res, 'crashed', detail ?? `module ${name}: instance ${inst.id} stopped`);
    inst.pending.delete(rid);
  }
  const exit = { event: inst.ready ? 'exit' : 'start-failed', id: inst.id, reason, cause: inst.failCause ?? reason, detail, ...(served.runUs.length > 0 ? { served: servedSummary() } : {}) };
  // The connections are the host's, shared by its instances: they stay open for the next request.
  if (recyclable) return recycle(inst, exit);
  void inst.worker.terminate();
  rmSync(inst.dir, { recursive: true, force: true });
  emit(exit);
}

// Requests come under /i/<instance id>; the instance sees the path after it.
const ROUTE = /^\/i\/([^/?]+)(.*)$/;
// A request for an instance whose start command has not come yet waits this long for it (./early.mjs).
const EARLY_WAIT_MS = 5_000;
const early = createWaitingRoom(EARLY_WAIT_MS, (id, res) => fail(res, 'crashed', `module ${name}: instance ${id} is not running here (no start for it within ${EARLY_WAIT_MS} ms)`));
/** Ids of instances that ended, newest last (the last 10,000): a request for one fails at once instead of waiting. */
const ended = new Set();

function route(req, res) {
  const match = ROUTE.exec(req.url ?? '');
  if (!match) return fail(res, 'crashed', `module ${name}: no instance in the path ${req.url}`);
  const id = decodeURIComponent(match[1]);
  req.url = match[2].startsWith('/') ? match[2] : `/${match[2]}`;
  const inst = instances.get(id);
  if (inst && !inst.done) return dispatch(inst, req, res);
  if (inst || ended.has(id)) return fail(res, 'crashed', `module ${name}: instance ${id} is not running here`);
  early.hold(id, req, res);
}

function dispatch(inst, req, res) {
  try {
    onRequest(inst, req, res);
  } catch (error) {
    fail(res, 'host', String(error));
  }
}

/** The requests that came for id before its start command: to its instance, or failed with why it will not start. */
function releaseEarly(id, inst, failure) {
  early.release(id, (req, res) => (inst ? dispatch(inst, req, res) : fail(res, 'crashed', failure)));
}

const server = createWireServer(route);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

function onRequest(inst, req, res) {
  if (req.url === '/__coldlab/health') return reply(res, 200, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ coldlab: 'ready', instance: inst.id })));
  const rid = ++inst.nextRid;
  // A request sent before the instance has started goes to its thread now and is run right after the start;
  // its timeout counts from the start's end, as for a request sent after it.
  inst.pending.set(rid, { res, timer: inst.ready ? requestTimer(inst, rid, res) : undefined });
  inst.worker.postMessage({ type: 'request', rid, request: { method: req.method, url: req.url, headers: req.headers, body: req.body } });
}

function requestTimer(inst, rid, res) {
  return setTimeout(() => {
    const message = `module ${name}: request ran longer than ${timeoutMs} ms (endless loop?); its worker was terminated and the instance replaced`;
    // coldlab hears of the instance's end before the answer goes out, so the platform does not send it another request.
    inst.pending.delete(rid);
    finish(inst, 'crashed', message);
    fail(res, 'timeout', message);
  }, timeoutMs);
}

function onResponse(inst, message) {
  if (inst.refill) {
    clearTimeout(inst.refill);
    inst.refill = undefined;
    setImmediate(refill);
  }
  const pending = inst.pending.get(message.rid);
  if (!pending) return;
  clearTimeout(pending.timer);
  inst.pending.delete(message.rid);
  const { res } = pending;
  if (message.error) {
    emit({ event: 'request-error', id: inst.id, cause: message.error.cause, message: message.error.message });
    // Outgrowing memoryMb ends the instance: the platform replaces it, as an OOM kill would (told before the answer goes out).
    if (message.error.cause === 'memory-limit') finish(inst, 'oom-killed', message.error.message);
    fail(res, message.error.cause, message.error.message);
    return;
  }
  const timing = { 'x-coldlab-wasm-instantiate-us': String(message.instantiateUs), 'x-coldlab-wasm-run-us': String(message.runUs) };
  if (served.runUs.length < 100_000) {
    served.instantiateUs.push(message.instantiateUs);
    served.runUs.push(message.runUs);
  }
  reply(res, message.status, { ...message.headers, ...timing }, Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength));
}

// What the host knows of a thread's current use: parked, then one instance. A thread that served an instance which
// was stopped gets a new slot when it is parked again, so nothing of the old instance (its pending requests, its
// request ids) meets the new one.
function slotOf(worker, dir) {
  const slot = { id: undefined, pending: new Map(), nextRid: 0, ready: false, done: false, parked: false, worker, dir, thread: worker.threadId };
  worker.slot = slot;
  slot.parkedOnce = new Promise((resolve) => (slot.onParked = resolve));
  return slot;
}

/**
 * A stopped instance's thread goes back to the parked threads instead of ending: the worker drops the instance's
 * state (its module instance, its kept instance, its queued requests; each request's stdio files are rewritten
 * anyway) and says so, and only then does the host take it as parked, so any message of the old instance still on
 * its way is dropped with the old slot. A thread that has served the function runs its next instance as a
 * long-running host does, without the first-run costs of a new isolate, and no thread is booted for it.
 */
function recycle(inst, exit) {
  inst.recycling = true;
  // coldlab hears of the instance's exit once its thread is parked again (or has ended), so a start that follows
  // the stop finds the thread, and the reset's work does not run beside it.
  inst.exit = exit;
  inst.worker.postMessage({ type: 'reset' });
  // A thread still busy past the request timeout (a run the stop cut short) ends instead.
  inst.recycleTimer = setTimeout(() => lostInRecycling(inst), timeoutMs);
}

function reparked(old, message) {
  const slot = slotOf(old.worker, old.dir);
  slot.parked = true;
  slot.recycled = true;
  slot.heapLimitMb = message.heapLimitMb;
  slot.onParked();
  // Taken first: it is the thread with the warmest caches.
  parked.unshift(slot);
  emit({ event: 'parked', thread: slot.thread, recycled: true });
  emit(old.exit);
}

// A thread made ready before an instance needs it, under the variant's heap limits.
function park() {
  const n = ++nextSlot;
  const dir = join(tmp, `t${n}`);
  const worker = new Worker(WORKER, {
    workerData: { modulePath, module: cached?.module, name, reuse, capBytes: memoryMb * 1048576, dir, fnEnv },
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(memoryMb / 8))), stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  const slot = slotOf(worker, dir);
  // The listeners follow the thread from slot to slot.
  worker.on('message', (message) => onWorkerMessage(worker.slot, message));
  worker.on('error', (error) => {
    const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
    if (lostInRecycling(worker.slot)) return;
    worker.slot.failCause = oom ? 'memory-limit' : 'crashed';
    finish(worker.slot, oom ? 'oom-killed' : 'crashed', `module ${name}: ${oom ? `worker exceeded its ${memoryMb} MB heap limit` : 'worker failed'} (${error.message})`);
  });
  worker.on('exit', (code) => lostInRecycling(worker.slot) || finish(worker.slot, 'crashed', `module ${name}: worker exited (code ${code})`));
  return slot;
}

/** A thread that ended while being reset: its instance was already over, so only its files go, and another is parked. */
function lostInRecycling(slot) {
  if (!slot.recycling) return false;
  slot.recycling = false;
  clearTimeout(slot.recycleTimer);
  void slot.worker.terminate();
  rmSync(slot.dir, { recursive: true, force: true });
  setImmediate(refill);
  emit(slot.exit);
  return true;
}

function refill() {
  if (cached && !cached.module) return;
  while (parked.length < parkedTarget) parked.push(park());
}

function onWorkerMessage(slot, message) {
  if (slot.recycling) {
    if (message.type === 'parked') {
      slot.recycling = false;
      clearTimeout(slot.recycleTimer);
      reparked(slot, message);
    }
    return;
  }
  if (message.type === 'response') return onResponse(slot, message);
  if (message.type === 'parked') {
    slot.parked = true;
    slot.heapLimitMb = message.heapLimitMb;
    slot.onParked();
    // Before the ready line, coldlab does not read events yet: the first threads are named in it.
    if (slot.id === undefined && announced) emit({ event: 'parked', thread: slot.thread });
    return;
  }
  if (message.type === 'failed') {
    slot.failCause = message.cause;
    return finish(slot, 'crashed', message.message);
  }
  if (message.type !== 'ready') return;
  const { type: _type, ...times } = message;
  if (slot.done) return;
  slot.ready = true;
  for (const [rid, pending] of slot.pending) pending.timer ??= requestTimer(slot, rid, pending.res);
  emit({ event: 'started', id: slot.id, thread: slot.thread, parked: slot.tookParked, recycled: slot.recycled === true, heapLimitMb: slot.heapLimitMb, times });
  slot.refill = setTimeout(() => {
    slot.refill = undefined;
    refill();
  }, REFILL_AFTER_MS);
}

// Hands the instance to the oldest parked thread (or, with none left, to a thread booted now, on the timed path).
function start(id) {
  if (cached && !cached.module) {
    ended.add(id);
    releaseEarly(id, undefined, cached.message);
    return emit({ event: 'start-failed', id, cause: cached.cause, detail: cached.message });
  }
  const slot = parked.shift() ?? park();
  slot.id = id;
  slot.tookParked = slot.parked;
  instances.set(id, slot);
  slot.worker.postMessage({ type: 'boot', sentAt: performance.timeOrigin + performance.now() });
  releaseEarly(id, slot);
}

function stop(id) {
  const inst = instances.get(id);
  releaseEarly(id, undefined, `module ${name}: instance ${id} stopped before it started`);
  if (inst) finish(inst, 'stopped');
  else emit({ event: 'exit', id, reason: 'stopped' });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.cmd === 'start') start(command.id);
  else if (command.cmd === 'stop') stop(command.id);
});
// coldlab died or is done with this variant: no orphans.
process.stdin.on('end', () => process.exit(0));
refill();
await Promise.all(parked.map((slot) => slot.parkedOnce));
// The first parked threads ride on the ready line: coldlab reads the events after it from a later listener.
emit({ coldlab: 'ready', port, initMs: compileMs, bootMs, pid: process.pid, parks: parkedTarget > 0 && !(cached && !cached.module), parked: parked.filter((slot) => slot.parked).map((slot) => slot.thread) });
announced = true;
