import { readFile } from 'node:fs/promises';

/** /proc/meminfo as kB values by key (MemTotal, MemAvailable, Cached...); HugePages_* counts stay plain numbers. */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([^:\s]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match?.[1] && match[2]) out[match[1]] = Number(match[2]);
  }
  return out;
}

export async function readMeminfo(): Promise<Record<string, number>> {
  return parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
}
