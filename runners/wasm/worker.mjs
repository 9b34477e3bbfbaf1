// One Wasm instance: a worker thread of the host process (runners/wasm/host.mjs) with its own compiled module,
// V8 heap limits and WASI state. The host starts it ahead of need (parked): it loads this file, makes its stdio
// folder, says {type:'parked'} and waits. On {type:'boot'} it boots in timed steps (the handoff, fetch, compile,
// instantiate, init = the module's first run), then runs one WAGI request per message (those that came during
// the boot first): a fresh instance per request (Spin's model) or one kept instance (reuse). It serves one
// instance at a time: on {type:'reset'} (its instance was stopped) it drops the instance and is parked again.
// Plain JavaScript, no dependencies.
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { WASI } from 'node:wasi';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWagiOutput, wagiArgs, wagiEnv } from './wagi.mjs';
import { EMPTY_COMMAND, WARM_UP_RUNS } from './warmUp.mjs';

const { modulePath, module: cachedModule, name, reuse, capBytes, dir, fnEnv } = workerData;
// The platform's own first request: what a command module does at init happens in its first run.
const INIT_REQUEST = { method: 'GET', url: '/__coldlab/init', headers: { host: 'localhost' }, body: '' };
const ms = (from) => performance.now() - from;

mkdirSync(dir, { recursive: true });
const files = { in: join(dir, 'stdin'), out: join(dir, 'stdout'), err: join(dir, 'stderr') };

// The instance's imports call whichever WASI object serves the current request: a kept instance stays bound
// to the imports it was built with, while each request brings its own environment, stdin and stdout.
let current;
const wasiImport = {};
for (const key of Object.keys(new WASI({ version: 'preview1' }).wasiImport)) wasiImport[key] = (...args) => current.wasiImport[key](...args);
const imports = { wasi_snapshot_preview1: wasiImport };

class ModuleFailure extends Error {
  constructor(cause, message) {
    super(`module ${name}: ${message}`);
    this.cause = cause;
  }
}

function stderrTail() {
  const text = readFileSync(files.err, 'utf8').trim();
  return text ? `; stderr: ${text.split('\n').slice(-3).join(' | ').slice(0, 300)}` : '';
}

// A trap with linear memory near its cap (within 2 MiB or 10%) is taken for the module outgrowing memoryMb: an
// allocation's memory.grow failed and the module aborted. Wasm does not say why a module trapped, so this is a judgement.
function classifyTrap(instance, error) {
  const message = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  const size = instance.exports.memory?.buffer?.byteLength ?? 0;
  if (size + Math.min(2 * 1048576, capBytes / 10) >= capBytes) {
    return new ModuleFailure('memory-limit', `outgrew its memory limit (linear memory ${Math.round(size / 1048576)} MiB of ${Math.round(capBytes / 1048576)} MiB) and trapped (${message})${stderrTail()}`);
  }
  return new ModuleFailure('trap', `trapped (${message})${stderrTail()}`);
}

/** Runs _start once on the instance with one request's environment and stdin; returns stdout's bytes. */
function runOnce(instance, request) {
  writeFileSync(files.in, request.body ?? '');
  const fds = [openSync(files.in, 'r'), openSync(files.out, 'w'), openSync(files.err, 'w')];
  let code;
  try {
    current = new WASI({ version: 'preview1', args: wagiArgs(request, name), env: { ...fnEnv, ...wagiEnv(request, name) }, stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true });
    code = current.start(instance);
  } catch (error) {
    throw classifyTrap(instance, error);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  if (code !== 0) throw new ModuleFailure('exit-code', `exited with code ${code}${stderrTail()}`);
  return readFileSync(files.out);
}

async function boot() {
  const times = {};
  let module = cachedModule;
  if (!module) {
    let started = performance.now();
    const bytes = readFileSync(modulePath);
    times.fetchMs = ms(started);
    started = performance.now();
    try {
      module = await WebAssembly.compile(bytes);
    } catch (error) {
      throw new ModuleFailure('invalid-module', `is not a valid WebAssembly module (${error.message})`);
    }
    times.compileMs = ms(started);
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new ModuleFailure('no-start', `exports no _start function, so it is not a WASI command (exports: ${exports.map((e) => e.name).join(', ') || 'none'})`);
  }
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) throw new ModuleFailure('no-memory', 'exports no memory, which WASI needs');
  const foreign = WebAssembly.Module.imports(module).filter((i) => i.module !== 'wasi_snapshot_preview1');
  if (foreign.length > 0) throw new ModuleFailure('unsupported-import', `imports ${foreign.map((i) => `${i.module}.${i.name}`).join(', ')}; only wasi_snapshot_preview1 is provided`);
  let started = performance.now();
  let instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (error) {
    throw new ModuleFailure('instantiate', `could not be instantiated (${error.message})`);
  }
  times.instantiateMs = ms(started);
  started = performance.now();
  runOnce(instance, INIT_REQUEST);
  times.initMs = ms(started);
  return { module, kept: reuse ? instance : undefined, times };
}

function serve(state, request) {
  let instance = state.kept;
  let instantiateUs = 0;
  if (!instance) {
    const started = performance.now();
    instance = new WebAssembly.Instance(state.module, imports);
    instantiateUs = Math.round(ms(started) * 1000);
  }
  const started = performance.now();
  try {
    const out = runOnce(instance, request);
    const runUs = Math.round(ms(started) * 1000);
    const parsed = parseWagiOutput(out);
    if (parsed.error) throw new ModuleFailure('bad-response', parsed.error);
    if (reuse) state.kept = instance;
    return { status: parsed.status, headers: parsed.headers, body: parsed.body, instantiateUs, runUs };
  } catch (error) {
    // A trapped instance's state cannot be trusted: a reused one is rebuilt for the next request.
    if (reuse && error.cause !== 'bad-response') state.kept = undefined;
    if (error instanceof ModuleFailure) return { error: { cause: error.cause, message: error.message } };
    return { error: { cause: 'host', message: `module ${name}: ${error?.message ?? error}` } };
  }
}

// Parked: everything above ran before any instance needed this thread; the boot message starts the timed path.
// The performance global loads lazily in a worker (~1.5 ms here): touched now, it is not charged to the handoff.
void (performance.timeOrigin + performance.now());
// The platform's own code warmed, not the function's (./warmUp.mjs): an empty WASI command through the same
// path (stdio files, WASI object, instantiate, _start), as a long-running host has run it before.
const emptyCommand = new WebAssembly.Module(EMPTY_COMMAND);
for (let i = 0; i < WARM_UP_RUNS; i++) runOnce(new WebAssembly.Instance(emptyCommand, imports), INIT_REQUEST);
// Requests may come before the boot is done (the host sends an instance's first request at once): they wait here
// and run right after it, in order, so the first request rides the start with no round trip between them.
let state;
const early = [];
const answer = (request) => parentPort.postMessage({ type: 'response', rid: request.rid, ...serve(state, request.request) });
parentPort.on('message', (message) => {
  if (message.type === 'boot') void onBoot(message);
  else if (message.type === 'reset') {
    // Nothing of the stopped instance is kept: its module (a compile mode compiles again), its kept instance, its queue.
    state = undefined;
    early.length = 0;
    // Its garbage goes now, off any timed path, not while a later instance runs: the host's cgroup is sized for
    // one instance's memory per busy thread, and a stopped instance's linear memory lives until a collection.
    globalThis.gc?.();
    parked();
  } else if (message.type === 'request') {
    if (state) answer(message);
    else early.push(message);
  }
});
// With the V8 heap limit this thread was created with (old and young generations), so coldlab can show it holds.
const parked = () => parentPort.postMessage({ type: 'parked', heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576) });
parked();

async function onBoot(message) {
  // The handoff: from the host's start command to this thread's first step (one clock across threads of a process).
  const createMs = performance.timeOrigin + performance.now() - message.sentAt;
  try {
    const booted = await boot();
    parentPort.postMessage({ type: 'ready', createMs, ...booted.times });
    state = booted;
    for (const request of early.splice(0)) answer(request);
  } catch (error) {
    const cause = error instanceof ModuleFailure ? error.cause : 'host';
    parentPort.postMessage({ type: 'failed', cause, message: error instanceof ModuleFailure ? error.message : `module ${name}: ${error?.message ?? error}` });
  }
}
