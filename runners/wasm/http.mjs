// HTTP helpers of the Wasm host (runners/wasm/host.mjs): answers, module errors as status codes, and the
// percentiles of the served requests' figures. Plain JavaScript, no dependencies.

export const STATUS = { trap: 500, 'exit-code': 500, 'memory-limit': 500, timeout: 504, 'bad-response': 502, crashed: 502, host: 500 };

export function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Answers once, on the host's wire server (./wire.mjs); content-length is set from the body. */
export function reply(res, status, headers, body) {
  if (res.headersSent || res.destroyed) return;
  res.send(status, headers, body);
}

export function fail(res, cause, message) {
  const body = Buffer.from(JSON.stringify({ error: message, cause }));
  reply(res, STATUS[cause] ?? 500, { 'content-type': 'application/json', 'x-coldlab-function-error': `wasm-${cause}` }, body);
}
