// The Wasm work of one request on a fresh instance, as coldlab's worker does it (runners/wasm/worker.mjs), for the
// bench's hand-written floors (wasm-floor.mjs, wasm-isolated-floor.mjs) so both do the same work: instantiate,
// stdio files in memory, a WASI object with the request's CGI environment, _start, the output parsed as WAGI.
import { WASI } from 'node:wasi';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWagiOutput, wagiArgs, wagiEnv } from '../runners/wasm/wagi.mjs';

/** The platform's own first request, run as the module's init. */
export const INIT = { method: 'GET', url: '/__coldlab/init', headers: { host: 'localhost' } };

/** A folder of stdio files for this thread and a runner that uses it; `times` (µs), when given, adds up instantiate and run as coldlab's host splits them. */
export function freshRunner(prefix) {
  // In memory, as the Wasm host keeps its per-request stdio files.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
  const [stdin, stdout] = [join(dir, 'stdin'), join(dir, 'stdout')];
  // Imports built once, calling the WASI object of the request being run (instantiating needs them before it exists).
  let current;
  const wasiImport = Object.fromEntries(Object.keys(new WASI({ version: 'preview1' }).wasiImport).map((key) => [key, (...args) => current.wasiImport[key](...args)]));
  const imports = { wasi_snapshot_preview1: wasiImport };
  const runFresh = (module, request, times = { instantiateUs: 0, runUs: 0 }) => {
    let started = performance.now();
    const instance = new WebAssembly.Instance(module, imports);
    times.instantiateUs += (performance.now() - started) * 1000;
    started = performance.now();
    writeFileSync(stdin, '');
    const fds = [openSync(stdin, 'r'), openSync(stdout, 'w')];
    current = new WASI({ version: 'preview1', args: wagiArgs(request, 'floor'), env: wagiEnv(request, 'floor'), stdin: fds[0], stdout: fds[1], returnOnExit: true });
    current.start(instance);
    for (const fd of fds) closeSync(fd);
    const out = parseWagiOutput(readFileSync(stdout));
    times.runUs += (performance.now() - started) * 1000;
    return out;
  };
  return { dir, runFresh };
}
