import { open, readFile } from 'node:fs/promises';

// A REAP-style working set (Ustiugov et al., ASPLOS '21) for the lazy restore: the pages of the template's RAM
// file a restored guest touched up to its first answer, recorded once, then read into the page cache at each
// later start beside QEMU's own start, so the guest's first touches find them in memory instead of each
// faulting to the disk. REAP installs the pages into the guest with userfaultfd; here they go to the page
// cache, which is what a Node process can do, and the guest's faults on them are then minor.

const PAGE = 4096;
// Ranges closer than this are read as one: a short read of the gap costs less than another request to the disk.
const MERGE_GAP_BYTES = 128 * 1024;
const READ_CHUNK_BYTES = 4 * 1048576;

/** Byte ranges of a file, in order, not overlapping. */
export interface WorkingSet {
  ranges: Array<{ offset: number; length: number }>;
  /** Pages the guest had touched (before merging gaps). */
  pages: number;
}

/** Sum of the ranges' lengths, bytes: what a prefetch reads. */
export const workingSetBytes = (set: WorkingSet): number => set.ranges.reduce((sum, r) => sum + r.length, 0);

interface Mapping {
  start: number;
  end: number;
  offset: number;
}

/** The process's mappings of `file` (/proc/<pid>/maps): where in its address space, from which offset. */
async function mappingsOf(pid: number, file: string): Promise<Mapping[]> {
  const maps = await readFile(`/proc/${pid}/maps`, 'utf8');
  const out: Mapping[] = [];
  for (const line of maps.split('\n')) {
    // start-end perms offset dev inode path
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || fields.slice(5).join(' ') !== file) continue;
    const [start, end] = (fields[0] ?? '').split('-').map((hex) => Number.parseInt(hex, 16));
    if (start === undefined || end === undefined) continue;
    out.push({ start, end, offset: Number.parseInt(fields[2] ?? '0', 16) });
  }
  return out;
}

/**
 * Pages of `file` the process has in its mappings of it now (/proc/<pid>/pagemap: present, read or written since
 * the mapping was made), as byte ranges of the file, gaps under 128 KB merged. Linux maps a few neighbours of a
 * faulted page when they are cached (fault-around), so the set can be a little wider than what was touched.
 */
export async function recordWorkingSet(pid: number, file: string): Promise<WorkingSet> {
  const mappings = await mappingsOf(pid, file);
  if (mappings.length === 0) throw new Error(`process ${pid} does not map ${file}`);
  const pagemap = await open(`/proc/${pid}/pagemap`, 'r');
  const offsets: number[] = [];
  try {
    for (const { start, end, offset } of mappings) {
      const pages = (end - start) / PAGE;
      const entries = Buffer.alloc(pages * 8);
      // One 64-bit entry per virtual page; bit 63: present in memory.
      await pagemap.read(entries, 0, entries.length, (start / PAGE) * 8);
      for (let i = 0; i < pages; i++) {
        if (entries.readBigUInt64LE(i * 8) >> 63n) offsets.push(offset + i * PAGE);
      }
    }
  } finally {
    await pagemap.close();
  }
  offsets.sort((a, b) => a - b);
  const ranges: WorkingSet['ranges'] = [];
  for (const at of offsets) {
    const last = ranges[ranges.length - 1];
    if (last && at - (last.offset + last.length) <= MERGE_GAP_BYTES) last.length = at + PAGE - last.offset;
    else ranges.push({ offset: at, length: PAGE });
  }
  return { ranges, pages: offsets.length };
}

/** Reads the working set's ranges of `file` (into the page cache; the bytes are dropped), in file order. */
export async function prefetchWorkingSet(file: string, set: WorkingSet): Promise<void> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  try {
    for (const { offset, length } of set.ranges) {
      for (let done = 0; done < length; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_CHUNK_BYTES, length - done), offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    }
  } finally {
    await handle.close();
  }
}
