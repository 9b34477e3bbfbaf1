// coldlab Wasm host: one Node process per variant (in the variant's cgroup), holding Wasm instances in worker
// threads, as Spin, Fastly and Cloudflare hold many sandboxes in one host process. Each thread serves its
// instance's requests on a loopback port of its own (./worker.mjs), so this thread is in no request's path:
// it keeps the threads' books. Threads are started ahead of need (parked: isolate booted, worker code loaded and
// warmed, port open), as a FaaS platform keeps empty sandboxes ready; coldlab picks the parked thread for each
// start (it knows their ports from the events below), so a cold start pays the Wasm work, not a thread's boot.
// A thread serves one instance at a time: when that instance is stopped the thread is reset and parked again,
// on the same port; a timeout, an out-of-memory or a crash ends it (its connections are cut, and the exit event
// says what the gateway should answer in its place), and a new one is parked.
//
// Environment:
//   COLDLAB_WASM_MODULE      path of the module (memory limit already applied by coldlab)
//   COLDLAB_WASM_NAME        module name used in error messages
//   COLDLAB_WASM_START       compile | cached | preinitialized (cached: compiled once here, shared with workers)
//   COLDLAB_WASM_REUSE=1     one instance serves many requests (default: a fresh instance per request)
//   COLDLAB_MEMORY_MB        memory size: each worker's V8 heap limit; the module's linear memory cap
//   COLDLAB_WASM_TIMEOUT_MS  per-request timeout: past it the worker is terminated and replaced
//   COLDLAB_WASM_TMP         folder for per-thread stdin/stdout files
//   COLDLAB_WASM_ENV         JSON object of the function's own environment variables (under the CGI ones)
//   COLDLAB_WASM_PARKED      threads kept parked (default 1; 0: every start boots its thread on the timed path)
// Protocol: prints {"coldlab":"ready","parked":[{thread,port}],...} once (after the first threads are parked), then
// one JSON event per line on stdout: "parked", "park-failed", "started" (written by the thread itself),
// "start-failed", "exit", "thread-exit", "request-error". Reads one JSON command per line on stdin
// ({"cmd":"start","id":"i1","thread":3} — thread optional: without it a thread is booted for the start —
// {"cmd":"stop","id":"i1"}); exits when stdin closes.
import { Worker } from 'node:worker_threads';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { STATUS } from './http.mjs';
import { servedFigures } from './served.mjs';
import { BUSY_SINCE, SHARED_BYTES, STARTED } from './shared.mjs';

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
// The replacement thread is parked this long after a start with no request riding it (at once after one that
// answered some): booting a thread costs this process CPU, which must not land beside the cold request.
const REFILL_AFTER_MS = 20;
const WORKER = new URL('./worker.mjs', import.meta.url);

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
/** Every live thread by thread id: { worker, id, shared, dir, port, instance, stopping, stopTimer, failedStart, ended }. */
const threads = new Map();
/** Threads parked and not yet given out, oldest first (coldlab takes recycled ones first from its own list). */
const parked = new Set();
/** The thread of each instance, while it lives. */
const byInstance = new Map();
const served = servedFigures();
let nextDir = 0;
let announced = false;

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

/** A thread under the variant's heap limits; warmUp false for one booted for a start that is waiting. */
function spawnThread(warmUp) {
  const dir = join(tmp, `t${++nextDir}`);
  const sharedBuffer = new SharedArrayBuffer(SHARED_BYTES);
  const worker = new Worker(WORKER, {
    workerData: { modulePath, module: cached?.module, name, reuse, capBytes: memoryMb * 1048576, dir, fnEnv, shared: sharedBuffer, hostOrigin: performance.timeOrigin, warmUp },
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(memoryMb / 8))), stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  const thread = { worker, id: worker.threadId, shared: new Int32Array(sharedBuffer), dir, port: undefined, instance: undefined, stopping: false, ended: false };
  thread.firstPark = new Promise((resolve) => (thread.onFirstPark = resolve));
  threads.set(thread.id, thread);
  worker.on('message', (message) => onMessage(thread, message));
  worker.on('error', (error) => {
    const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const message = `module ${name}: ${oom ? `worker exceeded its ${memoryMb} MB heap limit` : 'worker failed'} (${error.message})`;
    end(thread, oom ? 'oom-killed' : 'crashed', message, oom ? 'memory-limit' : 'crashed');
  });
  worker.on('exit', (code) => end(thread, 'crashed', `module ${name}: worker exited (code ${code})`, 'crashed'));
  return thread;
}

function refill() {
  if (cached && !cached.module) return;
  let idle = 0;
  for (const thread of threads.values()) if (thread.instance === undefined && !thread.ended) idle++;
  for (; idle < parkedTarget; idle++) spawnThread(true);
}

/**
 * Ends a thread: its connections are cut. Its instance, if it has one, ends with reason; `cut` names what the
 * gateway answers a request that connection carried (the thread could not answer it itself).
 */
function end(thread, reason, detail, cut) {
  if (thread.ended) return;
  thread.ended = true;
  clearTimeout(thread.stopTimer);
  threads.delete(thread.id);
  parked.delete(thread);
  thread.onFirstPark();
  // A failed start was said already, by the 'failed' message that ends the thread.
  if (!thread.failedStart) sayEnd(thread, reason, detail, cut);
  void thread.worker.terminate();
  rmSync(thread.dir, { recursive: true, force: true });
  emit({ event: 'thread-exit', thread: thread.id });
  setImmediate(refill);
}

/** What coldlab hears of an ending thread: an unused one failed its park; a used one's instance ended, and why. */
function sayEnd(thread, reason, detail, cut) {
  const id = thread.instance;
  if (id === undefined) return emit({ event: 'park-failed', thread: thread.id, detail });
  byInstance.delete(id);
  // Said before the thread goes, so coldlab knows the cause when the cut reaches its gateway.
  const started = Atomics.load(thread.shared, STARTED) === 1;
  emit({ event: started ? 'exit' : 'start-failed', id, reason, cause: cut, detail, cut: { status: STATUS[cut] ?? 502, error: `wasm-${cut}`, message: detail }, ...servedPart() });
}

const servedPart = () => (served.count > 0 ? { served: served.summary(reuse) } : {});

function onMessage(thread, message) {
  if (thread.ended) return;
  if (message.type === 'say') return void process.stdout.write(message.line);
  if (message.type === 'request-error') return emit({ event: 'request-error', id: thread.instance, cause: message.cause, message: message.message });
  if (message.type === 'parked') return onParked(thread, message);
  if (message.type === 'ready') {
    if (message.answered > 0) setImmediate(refill);
    else setTimeout(refill, REFILL_AFTER_MS);
    return;
  }
  if (message.type === 'fatal') {
    emit({ event: 'request-error', id: thread.instance, cause: message.cause, message: message.message });
    return end(thread, 'oom-killed', message.message, message.cause);
  }
  if (message.type === 'failed') {
    byInstance.delete(thread.instance);
    thread.failedStart = true;
    emit({ event: 'start-failed', id: thread.instance, cause: message.cause, detail: message.message });
    // A failed start leaves nothing to reuse: the thread goes, and another is parked.
    end(thread, 'crashed', message.message, 'crashed');
  }
}

function onParked(thread, message) {
  thread.port = message.port;
  served.merge(message.served);
  thread.onFirstPark();
  const id = thread.instance;
  // A thread booted for a waiting start says it is parked once, before its boot: it is that instance's already.
  if (id !== undefined && !thread.stopping) return;
  if (id !== undefined) {
    // Its instance was stopped and the thread is reset: parked again (taken first, it has the warmest caches),
    // and only then is the exit said, so a start that follows the stop finds it.
    clearTimeout(thread.stopTimer);
    byInstance.delete(id);
    thread.instance = undefined;
    thread.stopping = false;
    parked.add(thread);
    emit({ event: 'parked', thread: thread.id, port: thread.port, recycled: true });
    return emit({ event: 'exit', id, reason: 'stopped', ...servedPart() });
  }
  parked.add(thread);
  // Before the ready line, coldlab does not read events yet: the first threads are named in it.
  if (announced) emit({ event: 'parked', thread: thread.id, port: thread.port, recycled: false });
}

function start(id, threadId) {
  if (cached && !cached.module) return emit({ event: 'start-failed', id, cause: cached.cause, detail: cached.message });
  let thread;
  if (threadId === undefined) {
    // coldlab saw none parked: one is booted for this start (a parked one coldlab has not heard of yet may be
    // its pick for the next start, so it is not taken here).
    thread = spawnThread(false);
  } else {
    thread = threads.get(threadId);
    if (!thread || !parked.has(thread)) return emit({ event: 'start-failed', id, cause: 'crashed', detail: `module ${name}: the thread picked for instance ${id} ended before the start` });
    parked.delete(thread);
  }
  thread.instance = id;
  byInstance.set(id, thread);
  // Queued until a new thread listens; a thread a request already started for this instance ignores it.
  thread.worker.postMessage({ type: 'boot', id });
}

function stop(id) {
  const thread = byInstance.get(id);
  if (!thread) return emit({ event: 'exit', id, reason: 'stopped' });
  if (thread.stopping) return;
  thread.stopping = true;
  thread.worker.postMessage({ type: 'reset' });
  // A thread that does not come back within the timeout (a boot or a run the stop found going) ends instead.
  thread.stopTimer = setTimeout(() => endStopped(thread), timeoutMs);
}

/** A stopped instance's thread still running past the timeout: ended, the request it runs cut as a crash. */
const endStopped = (thread) => end(thread, 'stopped', `module ${name}: instance ${thread.instance} was stopped while it ran; its worker was terminated`, 'crashed');

// The per-request timeout: each thread marks when its current run began; a run past timeoutMs ends its thread.
const POLL_MS = Math.min(250, Math.max(5, Math.floor(timeoutMs / 10)));
setInterval(() => {
  const now = performance.now();
  for (const thread of threads.values()) {
    const since = Atomics.load(thread.shared, BUSY_SINCE);
    if (since === 0 || now - (since - 1) <= timeoutMs) continue;
    if (thread.stopping) endStopped(thread);
    else end(thread, 'crashed', `module ${name}: request ran longer than ${timeoutMs} ms (endless loop?); its worker was terminated and the instance replaced`, 'timeout');
  }
}, POLL_MS).unref();

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.cmd === 'start') start(command.id, command.thread);
  else if (command.cmd === 'stop') stop(command.id);
});
// coldlab died or is done with this variant: no orphans.
process.stdin.on('end', () => {
  for (const thread of threads.values()) rmSync(thread.dir, { recursive: true, force: true });
  process.exit(0);
});
refill();
await Promise.all([...threads.values()].map((thread) => thread.firstPark));
// The first parked threads ride on the ready line: coldlab reads the events after it from a later listener.
const first = [...parked].map((thread) => ({ thread: thread.id, port: thread.port }));
// `port` is the bootstrap ready line's field (src/runtimes/process/spawn.ts); coldlab reads the threads' ports from `parked`.
emit({ coldlab: 'ready', port: first[0]?.port ?? 0, initMs: compileMs, bootMs, pid: process.pid, parks: parkedTarget > 0 && !(cached && !cached.module), parked: first });
announced = true;
