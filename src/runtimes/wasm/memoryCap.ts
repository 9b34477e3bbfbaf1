/** One Wasm page of linear memory. */
export const PAGE_BYTES = 65_536;
const MEMORY_SECTION = 5;
const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export type CapOutcome =
  | { kind: 'capped'; bytes: Uint8Array; minPages: number; maxPages: number; declaredMaxPages?: number }
  /** Nothing to cap: not a module (compiling it gives the real error), no memory of its own, or a kind this does not edit. */
  | { kind: 'unchanged'; bytes: Uint8Array; reason: string }
  | { kind: 'too-small'; minPages: number; maxPages: number };

function readU32(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const byte = bytes[p++];
    if (byte === undefined || shift > 28) throw new Error('truncated LEB128');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: p };
    shift += 7;
  }
}

function u32(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return out;
}

/**
 * Gives the module's own linear memory a maximum of maxPages (a lower declared maximum is kept), so memory.grow
 * fails past memoryMb as a platform's limit would. Only the memory section's limits are rewritten (the binary
 * format's section header and LEB128 integers); no maintained npm library edits a binary module in place.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): CapOutcome {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return { kind: 'unchanged', bytes, reason: 'not a WebAssembly binary' };
  let p = 8;
  try {
    while (p < bytes.length) {
      const id = bytes[p] ?? 0;
      const size = readU32(bytes, p + 1);
      const start = size.next;
      const end = start + size.value;
      if (id !== MEMORY_SECTION) {
        p = end;
        continue;
      }
      const count = readU32(bytes, start);
      if (count.value !== 1) return { kind: 'unchanged', bytes, reason: `${count.value} memories` };
      const flags = bytes[count.next] ?? 0;
      if ((flags & ~1) !== 0) return { kind: 'unchanged', bytes, reason: 'shared or 64-bit memory' };
      const min = readU32(bytes, count.next + 1);
      const declaredMax = (flags & 1) === 1 ? readU32(bytes, min.next).value : undefined;
      if (min.value > maxPages) return { kind: 'too-small', minPages: min.value, maxPages };
      const max = Math.min(declaredMax ?? maxPages, maxPages);
      const payload = [1, 0x01, ...u32(min.value), ...u32(max)];
      const out = new Uint8Array(Buffer.concat([bytes.subarray(0, p), Uint8Array.from([MEMORY_SECTION, ...u32(payload.length), ...payload]), bytes.subarray(end)]));
      return { kind: 'capped', bytes: out, minPages: min.value, maxPages: max, ...(declaredMax === undefined ? {} : { declaredMaxPages: declaredMax }) };
    }
  } catch {
    return { kind: 'unchanged', bytes, reason: 'malformed section' };
  }
  return { kind: 'unchanged', bytes, reason: 'the module declares no memory of its own (imported or none)' };
}
