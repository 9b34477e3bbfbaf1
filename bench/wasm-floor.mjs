// The floor of a Wasm cold start and of a Wasm request on this host: a few lines of Node in a worker thread that
// is already running, with an HTTP server, doing per request the Wasm work coldlab's does and nothing else (no
// thread to boot, no host process, no gateway). Run as a worker (workerData: { module }); posts { port }.
//   GET /cold?mode=cached   instantiate + WASI + init run (the platform's init request), then a fresh instance for the request
//   GET /cold?mode=compile  the same after reading and compiling the module's bytes
//   GET /request            a fresh instance for the request only (a warm request's Wasm work)
// Answers the module's output, with x-floor-compile-us, x-floor-instantiate-us and x-floor-run-us.
import http from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { freshRunner, INIT } from './wasm-fresh.mjs';

const file = workerData.module;
const cached = await WebAssembly.compile(readFileSync(file));
const { dir, runFresh } = freshRunner('coldlab-wasm-floor-');

// The same compile call as coldlab's worker (async, V8's background compile threads).
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://floor');
  const times = { compileUs: 0, instantiateUs: 0, runUs: 0 };
  let module = cached;
  if (url.pathname === '/cold') {
    if (url.searchParams.get('mode') === 'compile') {
      const started = performance.now();
      module = await WebAssembly.compile(readFileSync(file));
      times.compileUs = (performance.now() - started) * 1000;
    }
    runFresh(module, INIT, times);
  }
  const out = runFresh(module, { method: req.method, url: '/', headers: req.headers }, times);
  const timing = Object.fromEntries(Object.entries(times).map(([k, v]) => [`x-floor-${k.replace(/Us$/, '')}-us`, String(Math.round(v))]));
  res.writeHead(out.status, { ...out.headers, ...timing, 'content-length': out.body.length });
  res.end(out.body);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  rmSync(dir, { recursive: true, force: true });
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
