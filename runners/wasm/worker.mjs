// One execution thread of the Wasm host (./host.mjs): its own V8 heap limits, its own loopback port, one
// instance at a time. The host starts it ahead of need (parked): it loads the module runner (./module.mjs),
// warms the platform's code, listens, says {type:'parked', port} and waits. An instance starts on the host's
// {type:'boot', id} or on the first request for a new id at this port, whichever comes first (coldlab sends the
// instance's first request as it sends the start, so the request rides the start). The thread answers its
// instance's requests itself, under /i/<id>: no other thread is in a request's path. The answers to the requests
// that rode the start carry its figures (x-coldlab-instance-started), so the gateway relays them at once; then the
// thread writes the same `started` event on the host's stdout itself, for coldlab's books. On {type:'reset'} (its instance was stopped) it drops the
// instance and is parked again, on the same port. The host reads `shared` to end a run past its timeout.
// Plain JavaScript; its HTTP server (./wire.mjs) parses with http-parser-js, which comes with coldlab.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { writeSync } from 'node:fs';
import { createModuleRunner } from './module.mjs';
import { fail, reply } from './http.mjs';
import { servedFigures } from './served.mjs';
import { createWireServer } from './wire.mjs';
import { BUSY_SINCE, STARTED } from './shared.mjs';

const { name, hostOrigin, warmUp } = workerData;
const shared = new Int32Array(workerData.shared);
const runner = createModuleRunner(workerData);
const served = servedFigures();
// The performance global loads lazily in a worker (~1.5 ms here): touched now, it is not charged to a start.
const now = () => performance.timeOrigin + performance.now();
void now();
// A thread booted for a start that found none parked runs no warm-up: that start is waiting for it.
if (warmUp) runner.warmUp();

/** The instance this thread serves: { id, status: booting | ready | failed | ended, state, queue, settled }. */
let inst;
/** Instances this thread served (the last 1,000): a late request for one fails at once instead of starting it again. */
const endedIds = new Set();
let recycled = false;
/** Whether the thread waited parked before its instance's start: not one booted for a waiting start, until its first reset. */
let parkedBefore = warmUp;
const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1048576);
// Linear memory of stopped instances lives until a collection: at a reset past this much, the thread collects.
const COLLECT_PAST_BYTES = 8 * 1048576;
let externalAtPark = 0;

/** src/results/gatewayTags.ts H.instanceStarted: the gateway hands it to coldlab's runtime before it relays the answer. */
const STARTED_HEADER = 'x-coldlab-instance-started';

const ROUTE = /^\/i\/([^/?]+)(.*)$/;
function route(req, res) {
  const match = ROUTE.exec(req.url ?? '');
  if (!match) return fail(res, 'crashed', `module ${name}: no instance in the path ${req.url}`);
  const id = decodeURIComponent(match[1]);
  req.url = match[2].startsWith('/') ? match[2] : `/${match[2]}`;
  if (!inst && !endedIds.has(id)) begin(id);
  if (inst?.id === id && inst.status === 'booting') inst.queue.push([req, res]);
  else if (inst?.id === id && inst.status === 'ready') answer(req, res);
  else fail(res, 'crashed', `module ${name}: instance ${id} is not running here`);
}

const server = createWireServer(route);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

/** A line on the host's stdout from this thread; through the host when the pipe is full (the write would fail). */
function say(event) {
  const line = `${JSON.stringify(event)}\n`;
  try {
    if (writeSync(1, line) === Buffer.byteLength(line)) return;
  } catch {
    // EAGAIN: the host writes it in order with its own.
  }
  parentPort.postMessage({ type: 'say', line });
}

function begin(id) {
  let settle;
  const mine = { id, status: 'booting', queue: [], settled: new Promise((resolve) => (settle = resolve)) };
  inst = mine;
  const bootAt = now();
  runner.boot().then(
    (booted) => {
      mine.state = booted;
      mine.status = 'ready';
      Atomics.store(shared, STARTED, 1);
      mine.startedEvent = { event: 'started', id, thread: threadId, port, parked: parkedBefore, recycled, heapLimitMb, times: { bootAt, readyAt: now(), ...booted.times } };
      const riding = mine.queue.splice(0);
      // The requests that rode the start carry it in their answers, so the gateway relays them without waiting
      // for the line; the line follows for coldlab's books (and for a start no request rode).
      const said = riding.length > 0 ? JSON.stringify(mine.startedEvent) : undefined;
      for (const [req, res] of riding) answer(req, res, said);
      say(mine.startedEvent);
      parentPort.postMessage({ type: 'ready', answered: riding.length });
      settle();
    },
    (error) => {
      mine.status = 'failed';
      const cause = error.cause && typeof error.cause === 'string' ? error.cause : 'host';
      const message = cause === 'host' ? `module ${name}: ${error?.message ?? error}` : error.message;
      // Answered for form's sake: the gateway answers a request that rode a failed start with the start's error.
      for (const [, res] of mine.queue.splice(0)) fail(res, 'crashed', message);
      parentPort.postMessage({ type: 'failed', cause, message });
      settle();
    },
  );
}

/** Runs one request on the instance and answers it; `started`, for a request that rode the start, goes in a header. */
function answer(req, res, started) {
  const tell = started === undefined ? {} : { [STARTED_HEADER]: started };
  if (req.url === '/__coldlab/health') return reply(res, 200, { 'content-type': 'application/json', ...tell }, Buffer.from(JSON.stringify({ coldlab: 'ready', instance: inst.id })));
  // The host ends a run that outlasts the timeout: it reads when this one began (ms since the host's start, +1 so 0 is idle).
  Atomics.store(shared, BUSY_SINCE, Math.floor(now() - hostOrigin) + 1);
  const out = runner.serve(inst.state, req);
  Atomics.store(shared, BUSY_SINCE, 0);
  if (out.error) {
    // Outgrowing memoryMb ends the instance, as an OOM kill would: the host ends this thread, and the gateway,
    // told why by the host, answers the request whose connection that cuts.
    if (out.error.cause === 'memory-limit') {
      inst.status = 'ended';
      return parentPort.postMessage({ type: 'fatal', ...out.error });
    }
    parentPort.postMessage({ type: 'request-error', ...out.error });
    return fail(res, out.error.cause, out.error.message, tell);
  }
  served.add(out.instantiateUs, out.runUs);
  const timing = { 'x-coldlab-wasm-instantiate-us': String(out.instantiateUs), 'x-coldlab-wasm-run-us': String(out.runUs) };
  reply(res, out.status, { ...out.headers, ...timing, ...tell }, out.body);
}

async function reset() {
  const mine = inst;
  if (mine) {
    // A stop that came during the boot waits for it: the thread is parked again with nothing of the instance.
    await mine.settled;
    endedIds.add(mine.id);
    if (endedIds.size > 1000) endedIds.delete(endedIds.values().next().value);
  }
  inst = undefined;
  recycled = true;
  parkedBefore = true;
  Atomics.store(shared, STARTED, 0);
  // Off any timed path, and only when the stopped instances left enough to matter: the host's cgroup is sized
  // for one instance's memory per busy thread, but a collection on every reset cost the next start 0.1–0.2 ms.
  if (getHeapStatistics().external_memory - externalAtPark > COLLECT_PAST_BYTES) globalThis.gc?.();
  parked();
}

function parked() {
  externalAtPark = getHeapStatistics().external_memory;
  parentPort.postMessage({ type: 'parked', port, heapLimitMb, served: served.drain() });
}

parentPort.on('message', (message) => {
  if (message.type === 'boot') {
    if (!inst) begin(message.id);
    // Started by a request before coldlab asked (it asks first, but a client may come first): said again for it.
    else if (inst.id === message.id && inst.startedEvent) say(inst.startedEvent);
  } else if (message.type === 'reset') void reset();
});
parked();
