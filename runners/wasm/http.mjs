// HTTP answers of a Wasm execution thread (./worker.mjs): a module's errors as status codes, named in
// x-coldlab-function-error. Plain JavaScript, no dependencies.

export const STATUS = { trap: 500, 'exit-code': 500, 'memory-limit': 500, timeout: 504, 'bad-response': 502, crashed: 502, host: 500 };

/** Answers once, on the thread's wire server (./wire.mjs); content-length is set from the body. */
export function reply(res, status, headers, body) {
  if (res.headersSent || res.destroyed) return;
  res.send(status, headers, body);
}

export function fail(res, cause, message, extra = {}) {
  const body = Buffer.from(JSON.stringify({ error: message, cause }));
  reply(res, STATUS[cause] ?? 500, { 'content-type': 'application/json', 'x-coldlab-function-error': `wasm-${cause}`, ...extra }, body);
}
