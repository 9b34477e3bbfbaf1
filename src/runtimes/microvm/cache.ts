import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheDir } from '../container/rootfs.js';

/** Guest kernels, initramfs and root disks live beside the container cache (~/.cache/coldlab/microvm, or $COLDLAB_CACHE). */
export function microvmCacheDir(): string {
  return join(dirname(cacheDir()), 'microvm');
}

/** sha256 (first 16 hex digits) over labelled strings and file contents, in the order given. */
export async function contentHash(parts: Array<{ label: string; text?: string; file?: string }>): Promise<string> {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(`${part.label}\0${part.text ?? ''}\0`);
    if (part.file) for await (const chunk of createReadStream(part.file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 16);
}

const building = new Map<string, Promise<string>>();

/**
 * Returns `path` once it exists, building it at most once per process: `build` writes a temporary
 * sibling which is renamed into place, so a crashed build never leaves a half-written artifact behind.
 */
export function cached(path: string, build: (tmp: string) => Promise<void>): Promise<string> {
  let pending = building.get(path);
  if (!pending) {
    pending = (async () => {
      if (await stat(path).then(() => true, () => false)) return path;
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      await rm(tmp, { recursive: true, force: true });
      try {
        await build(tmp);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      return path;
    })();
    building.set(path, pending);
    pending.catch(() => building.delete(path));
  }
  return pending;
}
