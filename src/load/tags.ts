import { H, type GatewayTags } from '../results/gatewayTags.js';

/** Response headers with lower-case names, as node:http gives them (raw header lists are lower-cased by classifyRaw). */
export type HeaderBag = Readonly<Record<string, string | string[] | number | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[0] : value);
}

function nonNegative(headers: HeaderBag, name: string): number | undefined {
  const text = header(headers, name);
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Reads what the gateway says about one request. Undefined when the response says nothing about its start
 * (not from the gateway, or the gateway answered itself): such a request must not be guessed warm.
 */
export function parseTags(headers: HeaderBag): GatewayTags | undefined {
  const startKind = header(headers, H.startKind);
  if (startKind !== 'cold' && startKind !== 'warm') return undefined;
  const tags: GatewayTags = { startKind };
  const reason = header(headers, H.coldReason);
  if (reason === 'scale-out' || reason === 'keepalive-expired') tags.coldReason = reason;
  const instanceId = header(headers, H.instance);
  if (instanceId) tags.instanceId = instanceId;
  const initMs = nonNegative(headers, H.initMs);
  if (initMs !== undefined) tags.initMs = initMs;
  const startMs = nonNegative(headers, H.startMs);
  if (startMs !== undefined) tags.startMs = startMs;
  const queueUs = nonNegative(headers, H.queueUs);
  if (queueUs !== undefined) tags.queueUs = queueUs;
  const gatewayError = gatewayErrorOf(headers);
  if (gatewayError !== undefined) tags.gatewayError = gatewayError;
  return tags;
}

/** The gateway's own error, read apart from the tags because the gateway sends it without a start kind. */
export function gatewayErrorOf(headers: HeaderBag): string | undefined {
  const value = header(headers, H.gatewayError);
  return value ? value : undefined;
}
