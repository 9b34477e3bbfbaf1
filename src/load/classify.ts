import type { GatewayTags } from '../platform/protocol.js';
import { H } from '../platform/protocol.js';
import { gatewayErrorOf, parseTags, type HeaderBag } from './tags.js';

// An instance that names why its function failed (the Wasm host does: "wasm-trap", "wasm-timeout"…) is counted by that cause.
function functionCause(headers: HeaderBag): string | undefined {
  const value = headers[H.functionError];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && /^[a-z][a-z0-9-]*$/.test(text) ? text : undefined;
}

export interface Verdict {
  ok: boolean;
  status: number;
  errorKind?: string;
  tags?: GatewayTags;
}

/** One rule for both senders: a success is a 2xx the gateway did not flag; a gateway error names itself. */
export function classifyResponse(status: number, headers: HeaderBag): Verdict {
  const tags = parseTags(headers);
  const gatewayError = gatewayErrorOf(headers);
  const verdict: Verdict = { ok: false, status };
  if (tags) verdict.tags = tags;
  if (gatewayError !== undefined) verdict.errorKind = `gateway:${gatewayError}`;
  else if (status < 200 || status > 299) verdict.errorKind = functionCause(headers) ?? `http-${status}`;
  else verdict.ok = true;
  return verdict;
}

/** Lower-cases a flat [name, value, name, value...] list, the shape autocannon's parser hands over. */
export function headersFromRaw(raw: readonly unknown[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (typeof name === 'string' && typeof value === 'string') {
      const key = name.toLowerCase();
      if (headers[key] === undefined) headers[key] = value;
    }
  }
  return headers;
}
