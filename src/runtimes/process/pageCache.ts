import { open, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * How pages were evicted: both call posix_fadvise(POSIX_FADV_DONTNEED) per file. The whole host cache
 * (/proc/sys/vm/drop_caches) is never dropped: that would slow every other process and the load generator.
 */
export type DropMethod = 'vmtouch' | 'dd-nocache';
export type DropOutcome = { dropped: true; files: number; bytes: number; method: DropMethod; note?: string } | { dropped: false; reason: string };

interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Files on these filesystems are memory itself: there is no disk to read them back from. */
const MEMORY_FS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);
/** Pages written longer ago than this were written back by the kernel (dirty_expire 30 s + flusher period). */
const DIRTY_WINDOW_MS = 60_000;
const BATCH = 1000;
const METHODS: readonly DropMethod[] = ['vmtouch', 'dd-nocache'];
/** A function with a huge node_modules would otherwise cost seconds per drop; past this many files the rest stay cached. */
export const MAX_FILES = 20_000;
/** Never read by a function at start-up. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', '.cache']);

interface Walk {
  files: FileEntry[];
  seen: Set<string>;
  truncated: boolean;
  max: number;
}

// Follows symlinks (a function's node_modules may be linked) but visits each directory and file once; stats in
// parallel because one at a time costs ~0.1 ms each through libuv's thread pool.
async function walk(path: string, state: Walk): Promise<void> {
  if (state.files.length >= state.max) {
    state.truncated = true;
    return;
  }
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  const key = `${info.dev}:${info.ino}`;
  if (state.seen.has(key)) return;
  state.seen.add(key);
  if (info.isFile()) {
    if (state.files.length >= state.max) state.truncated = true;
    else state.files.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    return;
  }
  if (!info.isDirectory()) return;
  const names = await readdir(path).catch(() => []);
  await Promise.all(names.filter((name) => !SKIP_DIRS.has(name)).map((name) => walk(join(path, name), state)));
}

async function onMemoryFs(path: string): Promise<boolean> {
  const info = await statfs(path).catch(() => undefined);
  return info !== undefined && MEMORY_FS.has(info.type);
}

// posix_fadvise(DONTNEED) skips dirty pages: write back recently modified files first so they can go too.
async function flushRecent(files: FileEntry[]): Promise<void> {
  const since = Date.now() - DIRTY_WINDOW_MS;
  for (const file of files.filter((f) => f.mtimeMs > since)) {
    const handle = await open(file.path, 'r').catch(() => undefined);
    await handle?.datasync().catch(() => undefined);
    await handle?.close();
  }
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

const DD_LOOP = 'for f; do dd if="$f" iflag=nocache count=0 status=none || exit 1; done';

/** Runs one method over every file; false when the tool is missing or refuses. */
async function evict(method: DropMethod, files: string[]): Promise<boolean> {
  try {
    for (const batch of batches(files)) {
      if (method === 'vmtouch') await execa('vmtouch', ['-e', '-q', '--', ...batch]);
      else await execa('/bin/sh', ['-c', DD_LOOP, 'sh', ...batch]);
    }
    return true;
  } catch {
    return false;
  }
}

/** Fraction of a file's pages in the page cache, via util-linux fincore or vmtouch; undefined when neither is here. */
export async function residentFraction(file: string): Promise<number | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  try {
    const { stdout } = await execa('fincore', ['--bytes', '--noheadings', '--raw', '-o', 'RES,SIZE', '--', file]);
    const [resident, size] = stdout.trim().split(/\s+/).map(Number);
    if (resident !== undefined && size !== undefined && Number.isFinite(resident) && Number.isFinite(size)) return size === 0 ? 0 : Math.min(1, resident / size);
  } catch {
    // fall through to vmtouch
  }
  try {
    const { stdout } = await execa('vmtouch', ['--', file]);
    const match = /Resident Pages:\s+(\d+)\/(\d+)/.exec(stdout);
    if (match?.[1] && match[2]) return Number(match[2]) === 0 ? 0 : Number(match[1]) / Number(match[2]);
  } catch {
    // not measurable here
  }
  return undefined;
}

/**
 * Reads these files (not directories) whole into the page cache, the bytes dropped: a start with prewarm on finds
 * them cached, whatever a variant before it evicted from files they share (a microVM's kernel and root disk).
 */
export async function readIntoPageCache(files: string[]): Promise<void> {
  const buffer = Buffer.allocUnsafe(4 * 1048576);
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      while ((await handle.read(buffer, 0, buffer.length)).bytesRead > 0);
    } finally {
      await handle.close();
    }
  }
}

/**
 * Evicts the pages of these files (directories are walked) so the next read comes from disk: a cold start
 * with prewarm off. Methods in order of speed (measured: vmtouch 2,001 files in 34 ms, a dd loop 2,000 files
 * in 2.6 s); each is checked on the largest file with fincore. Only these files are evicted, never the host cache.
 */
export async function dropFromPageCache(paths: string[], options: { methods?: readonly DropMethod[]; maxFiles?: number } = {}): Promise<DropOutcome> {
  const state: Walk = { files: [], seen: new Set(), truncated: false, max: options.maxFiles ?? MAX_FILES };
  const { files } = state;
  const inMemory: string[] = [];
  for (const path of paths) {
    if (await onMemoryFs(path)) inMemory.push(path);
    else await walk(path, state);
  }
  if (files.length === 0) {
    const why = inMemory.length > 0 ? `${inMemory.join(', ')} live on tmpfs/ramfs, which is memory: there is no disk to read them back from` : `no files found under ${paths.join(', ')}`;
    return { dropped: false, reason: why };
  }
  await flushRecent(files);
  const list = files.map((f) => f.path);
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const probe = files.reduce((a, b) => (b.size > a.size ? b : a));
  const failures: string[] = [];
  for (const method of options.methods ?? METHODS) {
    if (!(await evict(method, list))) {
      failures.push(`${method} unavailable`);
      continue;
    }
    const left = probe.size > 0 ? await residentFraction(probe.path) : 0;
    if (left !== undefined && left > 0.5) {
      failures.push(`${method} left ${Math.round(left * 100)}% of ${probe.path} cached`);
      continue;
    }
    const notes = [
      state.truncated ? `only the first ${state.max} files were dropped (${paths.join(', ')} hold more); the rest may start from memory` : '',
      left === undefined ? 'eviction not verified (neither fincore nor vmtouch is installed)' : '',
      inMemory.length > 0 ? `${inMemory.join(', ')} stay in memory (tmpfs)` : '',
    ].filter(Boolean);
    return { dropped: true, files: files.length, bytes, method, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  }
  return { dropped: false, reason: `could not evict the files from the page cache (${failures.join('; ')}); install vmtouch, or check that the files are readable` };
}
