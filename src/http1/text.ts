import { STATUS_CODES } from 'node:http';

// Per-connection headers a proxy must not pass on (RFC 9110 §7.6.1); each side sets its own framing and connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** Header lines of a flat name, value… list, hop-by-hop ones (and `drop`, lower case) left out, each ending in CRLF. */
export function headerLines(raw: readonly string[], drop?: string): string {
  let lines = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && lower !== drop) lines += `${name}: ${raw[i + 1] ?? ''}\r\n`;
  }
  return lines;
}

/** The first value of a header in a flat raw list, by lower-case name. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

export function statusLine(status: number, message?: string): string {
  return `HTTP/1.1 ${status} ${message || STATUS_CODES[status] || 'Unknown'}\r\n`;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** `data` as one chunk of a chunked body (RFC 9112 §7.1): its size in hex, the bytes, CRLF. */
export function chunk(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF]);
}

export const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** Answers that never carry a body whatever their headers say (RFC 9110 §6.4.1). */
export function isBodyless(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}
