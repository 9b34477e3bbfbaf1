// The floor of a Wasm cold start with the isolation coldlab keeps: the least a design can cost that runs each
// instance in a thread of its own (its heap limit, a timeout that can end it) inside a host process of its own
// (the variant's cgroup). Hand-written, with nothing of coldlab's: the thread serves HTTP itself on a port of its
// own, so the gateway's request is its start (no start command, no ready message, no host thread in the path): on
// an instance's first request it instantiates and runs the module's init, then a fresh instance for the request,
// as the floor (bench/wasm-floor.mjs) does in a thread that never sleeps.
//   node wasm-isolated-floor.mjs <module.wasm> <fresh|recycled>
// fresh: a new thread per instance, parked (booted and warmed as coldlab parks its threads) before it is needed;
// recycled: one thread serves the instances one after another, as coldlab's host reuses a stopped instance's thread.
// Prints {"port":N} each time a thread is ready for an instance; reads "stop N" lines (the instance on the thread
// at port N ends) and exits when stdin closes.
import http from 'node:http';
import { WASI } from 'node:wasi';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseWagiOutput, wagiArgs, wagiEnv } from '../runners/wasm/wagi.mjs';

const INIT = { method: 'GET', url: '/__coldlab/init', headers: { host: 'localhost' } };
// (module (memory (export "memory") 1) (func (export "_start"))), as coldlab's worker warms up with.
const EMPTY_COMMAND = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11]);

if (isMainThread) {
  const [file, mode] = process.argv.slice(2);
  const module = await WebAssembly.compile(readFileSync(file));
  const threads = new Map();
  const park = () => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { module },
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    worker.on('message', (message) => {
      if (message.port) {
        threads.set(message.port, { worker, dir: message.dir });
        process.stdout.write(`${JSON.stringify({ port: message.port })}\n`);
      } else if (message.used && mode === 'fresh') replace(worker); // its replacement is parked once the thread has answered, as coldlab's host does
    });
  };
  const replaced = new WeakSet();
  // Once per thread: on its 'used' message, or when it is stopped first (terminating it drops messages not yet read).
  const replace = (worker) => {
    if (replaced.has(worker)) return;
    replaced.add(worker);
    park();
  };
  park();
  createInterface({ input: process.stdin }).on('line', (line) => {
    const port = Number(line.split(' ')[1]);
    const thread = threads.get(port);
    threads.delete(port);
    if (!thread) return;
    if (mode === 'recycled') return thread.worker.postMessage('reset');
    replace(thread.worker);
    void thread.worker.terminate().then(() => rmSync(thread.dir, { recursive: true, force: true }));
  });
  process.stdin.on('end', () => process.exit(0));
} else {
  const { module } = workerData;
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'coldlab-wasm-isolated-'));
  const [stdin, stdout] = [join(dir, 'stdin'), join(dir, 'stdout')];
  let current;
  const wasiImport = Object.fromEntries(Object.keys(new WASI({ version: 'preview1' }).wasiImport).map((key) => [key, (...args) => current.wasiImport[key](...args)]));
  const imports = { wasi_snapshot_preview1: wasiImport };
  const runFresh = (mod, request) => {
    const instance = new WebAssembly.Instance(mod, imports);
    writeFileSync(stdin, '');
    const fds = [openSync(stdin, 'r'), openSync(stdout, 'w')];
    current = new WASI({ version: 'preview1', args: wagiArgs(request, 'floor'), env: wagiEnv(request, 'floor'), stdin: fds[0], stdout: fds[1], returnOnExit: true });
    current.start(instance);
    for (const fd of fds) closeSync(fd);
    return parseWagiOutput(readFileSync(stdout));
  };
  const empty = new WebAssembly.Module(EMPTY_COMMAND);
  for (let i = 0; i < 40; i++) runFresh(empty, INIT);
  let booted = false;
  const server = http.createServer((req, res) => {
    // The platform's own warm-up at park: the HTTP path run on the empty command, as coldlab's worker runs WASI's.
    if (req.url === '/__warm') {
      runFresh(empty, INIT);
      res.writeHead(200, { 'content-length': 0 });
      return res.end();
    }
    const first = !booted;
    if (first) {
      runFresh(module, INIT);
      booted = true;
    }
    const out = runFresh(module, { method: req.method, url: req.url, headers: req.headers });
    res.writeHead(out.status, { ...out.headers, 'content-length': out.body.length });
    res.end(out.body);
    if (first) parentPort.postMessage({ used: true });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  // Forty requests on fresh connections warm the server's parser and its connection set-up in this isolate.
  for (let i = 0; i < 40; i++) await fetch(`http://127.0.0.1:${port}/__warm`, { headers: { connection: 'close' } }).then((r) => r.arrayBuffer());
  parentPort.postMessage({ port, dir });
  // recycled: the instance was stopped; the thread takes the next one, whose first request is a cold start again.
  parentPort.on('message', () => {
    booted = false;
    parentPort.postMessage({ port, dir });
  });
}
