import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The errno code of a failed fs call ('ENOENT', 'EACCES'...), if it has one. */
export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

export function isPermissionError(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

// A cgroup can vanish between two reads (its last process exited and it was removed): treat that as "no figure".
export async function readText(dir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** A file holding a single integer (memory.current, cpuacct.usage...); "max" and garbage read as undefined. */
export async function readNumber(dir: string | undefined, file: string): Promise<number | undefined> {
  if (dir === undefined) return undefined;
  const text = await readText(dir, file);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

/** Parses "key value" lines (cpu.stat, memory.events, memory.oom_control). */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, raw] = line.trim().split(/\s+/);
    if (!key || raw === undefined) continue;
    const value = Number(raw);
    if (Number.isFinite(value)) out[key] = value;
  }
  return out;
}

export async function readKeyed(dir: string | undefined, file: string): Promise<Record<string, number> | undefined> {
  if (dir === undefined) return undefined;
  const text = await readText(dir, file);
  return text === undefined ? undefined : parseKeyed(text);
}
