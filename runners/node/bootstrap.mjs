// coldlab Node function bootstrap: the same file runs as an OS process, in a container and in a microVM,
// so differences between runtimes are the sandbox's, not the function's. Plain JavaScript, no dependencies.
//
// Environment:
//   COLDLAB_FN_PATH     absolute path (or file: URL) of the function module
//   COLDLAB_HANDLER     exported handler name (default "handler")
//   COLDLAB_HOST        listen address (default 127.0.0.1)
//   COLDLAB_PORT        listen port (default 0: ephemeral)
//   COLDLAB_INSTANCE_ID instance id passed to the handler's context
//   COLDLAB_MEMORY_MB   memory size passed to the handler's context
//   COLDLAB_EXIT_ON_STDIN_EOF=1  exit when stdin closes (the parent died): no orphans after a crash
// Protocol: once listening, prints one line {"coldlab":"ready","port":N,"initMs":x,"bootMs":y} on stdout;
// GET /__coldlab/health answers the same JSON.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';

// Time from the Node process start to this line: runtime boot, before any function code.
const bootMs = process.uptime() * 1000;
const env = process.env;

if (env.COLDLAB_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

const fnPath = env.COLDLAB_FN_PATH;
if (!fnPath) {
  console.error('coldlab bootstrap: COLDLAB_FN_PATH is not set');
  process.exit(64);
}
const handlerName = env.COLDLAB_HANDLER || 'handler';
const instanceId = env.COLDLAB_INSTANCE_ID || 'local';
const memoryLimitMb = Number(env.COLDLAB_MEMORY_MB || 0);

// Why the function cannot start, as one JSON line on stderr that coldlab reads (and people can, too):
// {"coldlab":"init-error","code":…,"message":…,"hint":…}
function initError(code, message, hint, exitCode) {
  process.stderr.write(`${JSON.stringify({ coldlab: 'init-error', code, message, hint })}\n`);
  process.exit(exitCode);
}

const fnUrl = fnPath.startsWith('file:') ? fnPath : pathToFileURL(fnPath).href;
// The first place in the function's own file the error points at: where the user has to look.
function frameInFunction(error) {
  const text = `${error?.stack ?? ''}`;
  for (const where of [fnUrl, fnPath]) {
    const at = text.indexOf(where);
    if (at >= 0) return /^[^\s)]*?:\d+(?::\d+)?/.exec(text.slice(at))?.[0].replace(fnUrl, fnPath);
  }
  return undefined;
}

const initStart = performance.now();
let mod;
try {
  mod = await import(fnUrl);
} catch (error) {
  const frame = frameInFunction(error);
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  initError('FUNCTION_INIT_FAILED', `${fnPath} threw while it was imported: ${what.split('\n')[0]}${frame ? ` (at ${frame})` : ''}`, 'run the module alone (node FILE) to see the whole error, fix it and run again', 66);
}
const handler = mod[handlerName] ?? mod.default?.[handlerName];
if (typeof handler !== 'function') {
  const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  initError(
    'HANDLER_NOT_FOUND',
    `${fnPath} exports no function named "${handlerName}"`,
    exported.length > 0 ? `set function.handler to one of its exported functions: ${exported.join(', ')}` : 'export the handler: export async function handler(event, context) { … }',
    65,
  );
}
const initMs = performance.now() - initStart;
let served = 0;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, headers, body) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

const health = () => ({ coldlab: 'ready', port: server.address().port, initMs, bootMs, served, pid: process.pid });

const server = http.createServer(async (req, res) => {
  if (req.url === '/__coldlab/health') return send(res, 200, {}, health());
  try {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://function');
    const event = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
    const started = Date.now();
    const context = {
      requestId: String(req.headers['x-coldlab-request-id'] ?? randomUUID()),
      instanceId,
      memoryLimitMb,
      invocation: ++served,
      getRemainingTimeMs: () => Math.max(0, Number(req.headers['x-coldlab-timeout-ms'] ?? 30000) - (Date.now() - started)),
    };
    const result = await handler(event, context);
    if (result && typeof result === 'object' && 'statusCode' in result) {
      send(res, Number(result.statusCode), result.headers ?? {}, result.body ?? '');
    } else {
      send(res, 200, {}, result);
    }
  } catch (error) {
    send(res, 500, { 'x-coldlab-function-error': '1' }, { error: String(error?.message ?? error) });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env.COLDLAB_PORT || 0), env.COLDLAB_HOST || '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify(health())}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
