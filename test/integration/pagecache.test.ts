import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropFromPageCache, residentFraction } from '../../src/runtimes/process/pageCache.js';

// Real page cache, verified with util-linux fincore. Files live on a disk filesystem: tmpfs pages cannot be evicted.
const TMPFS = 0x01021994;
let dir: string;
const files: Record<string, number> = { 'index.mjs': 8 << 20, 'lib/a.js': 1 << 20, 'lib/deep/b.js': 1 << 20, 'lib/deep/c.json': 200_000 };

async function diskTempDir(): Promise<string> {
  const base = (await statfs(tmpdir())).type === TMPFS ? '/var/tmp' : tmpdir();
  return mkdtemp(join(base, 'coldlab-pagecache-'));
}

/** Reads every file so all its pages are cached, and returns the smallest resident fraction. */
async function warm(): Promise<number> {
  let least = 1;
  for (const name of Object.keys(files)) {
    readFileSync(join(dir, name));
    least = Math.min(least, (await residentFraction(join(dir, name))) ?? 0);
  }
  return least;
}

async function mostResident(): Promise<number> {
  let most = 0;
  for (const name of Object.keys(files)) most = Math.max(most, (await residentFraction(join(dir, name))) ?? 1);
  return most;
}

beforeAll(async () => {
  dir = await diskTempDir();
  // Just written, so partly dirty: the drop must write them back before it can evict them.
  for (const [name, size] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), randomBytes(size));
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const total = Object.values(files).reduce((a, b) => a + b, 0);

describe('page cache drop', () => {
  it('evicts every file of a directory tree with dd iflag=nocache (posix_fadvise DONTNEED per file)', async () => {
    expect(await warm()).toBeGreaterThan(0.95);
    const outcome = await dropFromPageCache([dir], { methods: ['dd-nocache'] });
    expect(outcome).toEqual({ dropped: true, files: 4, bytes: total, method: 'dd-nocache' });
    expect(await mostResident()).toBeLessThan(0.05);
  });

  it('evicts per file by default (vmtouch when installed, else dd), never the whole host cache', async () => {
    expect(await warm()).toBeGreaterThan(0.95);
    const outcome = await dropFromPageCache([dir, join(dir, 'index.mjs')]);
    expect(outcome.dropped).toBe(true);
    if (!outcome.dropped) return;
    expect(['vmtouch', 'dd-nocache']).toContain(outcome.method);
    expect(outcome.files).toBe(4);
    expect(await mostResident()).toBeLessThan(0.05);
  });

  it('stops at maxFiles in a huge tree (node_modules) and says so, skipping .git', async () => {
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const all = await dropFromPageCache([dir]);
    expect(all.dropped && all.files).toBe(4);
    const capped = await dropFromPageCache([dir], { maxFiles: 2 });
    expect(capped).toMatchObject({ dropped: true, files: 2, note: expect.stringContaining('only the first 2 files') });
    await rm(join(dir, '.git'), { recursive: true });
  });

  it('says why files on tmpfs cannot be dropped', async () => {
    if (!existsSync('/dev/shm') || (await statfs('/dev/shm')).type !== TMPFS) return;
    const outcome = await dropFromPageCache(['/dev/shm']);
    expect(outcome.dropped).toBe(false);
    if (!outcome.dropped) expect(outcome.reason).toMatch(/tmpfs/);
  });

  it('reports missing paths and unmeasurable files', async () => {
    expect(await dropFromPageCache([join(dir, 'nope')])).toEqual({ dropped: false, reason: expect.stringContaining('no files found') });
    expect(await residentFraction(join(dir, 'nope'))).toBeUndefined();
  });
});
