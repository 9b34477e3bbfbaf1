// The Wasm work of one execution thread (./worker.mjs): a WAGI module's boot in timed steps (fetch, compile,
// instantiate, init = the module's first run) and each request's run on WASI preview 1, a fresh instance per
// request (Spin's model) or one kept instance (reuse). A failure is a ModuleFailure naming its cause, which
// becomes the answer's x-coldlab-function-error. Plain JavaScript, no dependencies.
import { WASI } from 'node:wasi';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWagiOutput, wagiArgs, wagiEnv } from './wagi.mjs';
import { EMPTY_COMMAND, WARM_UP_RUNS } from './warmUp.mjs';

// The platform's own first request: what a command module does at init happens in its first run.
const INIT_REQUEST = { method: 'GET', url: '/__coldlab/init', headers: { host: 'localhost' }, body: '' };
const ms = (from) => performance.now() - from;

export class ModuleFailure extends Error {
  constructor(name, cause, message) {
    super(`module ${name}: ${message}`);
    this.cause = cause;
  }
}

/**
 * The module runner of one thread: { modulePath, module (compiled, when cached), name, reuse, capBytes, dir
 * (the thread's stdio folder), fnEnv }.
 */
export function createModuleRunner({ modulePath, module: cachedModule, name, reuse, capBytes, dir, fnEnv }) {
  mkdirSync(dir, { recursive: true });
  const files = { in: join(dir, 'stdin'), out: join(dir, 'stdout'), err: join(dir, 'stderr') };
  const failure = (cause, message) => new ModuleFailure(name, cause, message);

  // The instance's imports call whichever WASI object serves the current request: a kept instance stays bound
  // to the imports it was built with, while each request brings its own environment, stdin and stdout.
  let current;
  const wasiImport = {};
  for (const key of Object.keys(new WASI({ version: 'preview1' }).wasiImport)) wasiImport[key] = (...args) => current.wasiImport[key](...args);
  const imports = { wasi_snapshot_preview1: wasiImport };

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
      return failure('memory-limit', `outgrew its memory limit (linear memory ${Math.round(size / 1048576)} MiB of ${Math.round(capBytes / 1048576)} MiB) and trapped (${message})${stderrTail()}`);
    }
    return failure('trap', `trapped (${message})${stderrTail()}`);
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
    if (code !== 0) throw failure('exit-code', `exited with code ${code}${stderrTail()}`);
    return readFileSync(files.out);
  }

  /** The platform's own code warmed, not the function's (./warmUp.mjs), as a long-running host has run it before. */
  function warmUp() {
    const empty = new WebAssembly.Module(EMPTY_COMMAND);
    for (let i = 0; i < WARM_UP_RUNS; i++) runOnce(new WebAssembly.Instance(empty, imports), INIT_REQUEST);
  }

  /** The timed start: { module, kept, times } or a ModuleFailure. */
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
        throw failure('invalid-module', `is not a valid WebAssembly module (${error.message})`);
      }
      times.compileMs = ms(started);
    }
    const exports = WebAssembly.Module.exports(module);
    if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
      throw failure('no-start', `exports no _start function, so it is not a WASI command (exports: ${exports.map((e) => e.name).join(', ') || 'none'})`);
    }
    if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) throw failure('no-memory', 'exports no memory, which WASI needs');
    const foreign = WebAssembly.Module.imports(module).filter((i) => i.module !== 'wasi_snapshot_preview1');
    if (foreign.length > 0) throw failure('unsupported-import', `imports ${foreign.map((i) => `${i.module}.${i.name}`).join(', ')}; only wasi_snapshot_preview1 is provided`);
    let started = performance.now();
    let instance;
    try {
      instance = new WebAssembly.Instance(module, imports);
    } catch (error) {
      throw failure('instantiate', `could not be instantiated (${error.message})`);
    }
    times.instantiateMs = ms(started);
    started = performance.now();
    runOnce(instance, INIT_REQUEST);
    times.initMs = ms(started);
    return { module, kept: reuse ? instance : undefined, times };
  }

  /** One request on a booted state: { status, headers, body, instantiateUs, runUs } or { error: { cause, message } }. */
  function serve(state, request) {
    let instance = state.kept;
    let instantiateUs = 0;
    try {
      if (!instance) {
        const started = performance.now();
        instance = new WebAssembly.Instance(state.module, imports);
        instantiateUs = Math.round(ms(started) * 1000);
      }
      const started = performance.now();
      const out = runOnce(instance, request);
      const runUs = Math.round(ms(started) * 1000);
      const parsed = parseWagiOutput(out);
      if (parsed.error) throw failure('bad-response', parsed.error);
      if (reuse) state.kept = instance;
      return { status: parsed.status, headers: parsed.headers, body: parsed.body, instantiateUs, runUs };
    } catch (error) {
      // A trapped instance's state cannot be trusted: a reused one is rebuilt for the next request.
      if (reuse && error.cause !== 'bad-response') state.kept = undefined;
      if (error instanceof ModuleFailure) return { error: { cause: error.cause, message: error.message } };
      return { error: { cause: 'host', message: `module ${name}: ${error?.message ?? error}` } };
    }
  }

  return { boot, serve, warmUp, failure };
}
