// The floor of a Wasm request: a plain Node script that compiles a WAGI module once, then per iteration does
// what a per-request instance must (a WASI object, WebAssembly.instantiate, _start with stdout to a file) and
// nothing else: no worker, no HTTP, no host. Prints {"instantiateUs":[...],"runUs":[...]} on stdout.
// Usage: node bench/wasm-floor.mjs module.wasm iterations
import { WASI } from 'node:wasi';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [file, count] = process.argv.slice(2);
const module = await WebAssembly.compile(readFileSync(file));
// In memory, as the Wasm host keeps its per-request stdio files.
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'coldlab-wasm-floor-'));
const instantiateUs = [];
const runUs = [];
for (let i = 0; i < Number(count); i++) {
  const out = openSync(join(dir, 'stdout'), 'w');
  const wasi = new WASI({ version: 'preview1', env: { REQUEST_METHOD: 'GET', PATH_INFO: '/', QUERY_STRING: '' }, stdout: out, returnOnExit: true });
  let started = performance.now();
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  instantiateUs.push((performance.now() - started) * 1000);
  started = performance.now();
  wasi.start(instance);
  runUs.push((performance.now() - started) * 1000);
  closeSync(out);
  readFileSync(join(dir, 'stdout'));
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ instantiateUs, runUs })}\n`);
