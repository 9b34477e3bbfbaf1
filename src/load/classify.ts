import type { GatewayTags } from '../results/gatewayTags.js';
import { H } from '../results/gatewayTags.js';
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

const PREFIX = 'x-coldlab-';
const NONE: HeaderBag = Object.freeze({});

/**
 * The same rule from a flat [name, value, name, value...] list (both senders' parsers hand one over). Only
 * the gateway's and the instance's x-coldlab-* headers decide anything, so only those are lower-cased and
 * kept: the rest of each response costs a length check, not a string and an object slot.
 */
export function classifyRaw(status: number, raw: readonly unknown[]): Verdict {
  let bag: Record<string, string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (typeof name !== 'string' || typeof value !== 'string' || name.length <= PREFIX.length) continue;
    // 'x' or 'X' first, before paying for a lower-cased copy.
    if ((name.charCodeAt(0) | 0x20) !== 0x78) continue;
    const key = name.toLowerCase();
    if (!key.startsWith(PREFIX)) continue;
    bag ??= {};
    // The first of repeated headers counts, as node:http's parsed headers have it.
    if (bag[key] === undefined) bag[key] = value;
  }
  return classifyResponse(status, bag ?? NONE);
}
