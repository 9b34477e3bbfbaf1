import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import type { ModuleFunction } from '../moduleFunction.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { baseRootfs, hashFolder } from '../container/rootfs.js';
import { cached, contentHash, microvmCacheDir } from './cache.js';

/** Where the function's folder sits on the guest's root disk (as in the container image). */
export const GUEST_TASK_DIR = '/var/task';
export const SQUASHFS_FIX = 'as root: apt-get install -y squashfs-tools (Debian)';

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** The environment the bootstrap reads, as a file the guest init sources before it starts Node. */
export function guestEnvFile(fn: ModuleFunction, port: number): string {
  const env: Record<string, string> = {
    ...fn.env,
    COLDLAB_HOST: '0.0.0.0',
    COLDLAB_PORT: String(port),
    COLDLAB_FN_PATH: `${GUEST_TASK_DIR}/${basename(fn.path)}`,
    COLDLAB_HANDLER: fn.handler,
  };
  const lines = Object.entries(env)
    .filter(([key]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The guest's root disk: the container image's root filesystem (host Node, its libraries, the bootstrap),
 * the function's folder and its environment, as an uncompressed squashfs. Uncompressed because the guest
 * pages Node in from it at every boot, and decompression under TCG costs more than the read; on a disk
 * rather than in the initramfs so that guest RAM (-m) holds only what Node touches.
 */
export async function buildRootDisk(fn: ModuleFunction, port: number): Promise<string> {
  const base = await baseRootfs();
  const fnDir = dirname(fn.path);
  const env = guestEnvFile(fn, port);
  const hash = await contentHash([{ label: 'base', text: base.hash }, { label: 'fn', text: await hashFolder(fnDir) }, { label: 'env', text: env }]);
  return cached(join(microvmCacheDir(), `rootdisk-${hash}.squashfs`), async (out) => {
    const stage = await mkdtemp(join(microvmCacheDir(), 'stage-'));
    try {
      const root = join(stage, 'root');
      // Hard links where the cache allows them: the base holds a 100 MB Node binary.
      await execa('cp', ['-al', join(base.dir, 'rootfs'), root]).catch(() => cp(join(base.dir, 'rootfs'), root, { recursive: true }));
      await cp(fnDir, join(root, GUEST_TASK_DIR.slice(1)), { recursive: true, dereference: true, filter: (src) => !/\/\.git(\/|$)/.test(src) });
      for (const dir of ['proc', 'dev', 'sys', 'tmp']) await mkdir(join(root, dir), { recursive: true });
      await writeFile(join(root, 'opt', 'coldlab', 'env.sh'), env);
      await execa('mksquashfs', [root, out, '-noappend', '-noI', '-noD', '-noF', '-noX', '-all-root', '-quiet', '-no-progress']).catch((error: unknown) => {
        const missing = (error as { code?: string }).code === 'ENOENT';
        throw new ColdlabError(missing ? 'MICROVM_NO_MKSQUASHFS' : 'MICROVM_DISK_BUILD', missing ? 'mksquashfs is needed to build the guest\'s root disk' : `mksquashfs failed: ${String((error as { stderr?: string }).stderr ?? error)}`, SQUASHFS_FIX, EXIT.runtimeUnavailable, { cause: error });
      });
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  });
}
