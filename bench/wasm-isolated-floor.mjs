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
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { EMPTY_COMMAND, WARM_UP_RUNS } from '../runners/wasm/warmUp.mjs';
import { freshRunner, INIT } from './wasm-fresh.mjs';

if (isMainThread) {
  const [file, mode] = process.argv.slice(2);
  const module = await WebAssembly.compile(readFileSync(file));
  const threads = new Map();
  /** The live threads' stdio folders: a thread's goes when it is terminated, and those left (the one parked last, a reused one) at the end. */
  const dirs = new Set();
  const park = () => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { module },
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    worker.on('message', (message) => {
      if (message.port) {
        threads.set(message.port, { worker, dir: message.dir });
        dirs.add(message.dir);
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
    void thread.worker.terminate().then(() => {
      rmSync(thread.dir, { recursive: true, force: true });
      dirs.delete(thread.dir);
    });
  });
  process.stdin.on('end', () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  const { module } = workerData;
  const { dir, runFresh } = freshRunner('coldlab-wasm-isolated-');
  const empty = new WebAssembly.Module(EMPTY_COMMAND);
  for (let i = 0; i < WARM_UP_RUNS; i++) runFresh(empty, INIT);
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
