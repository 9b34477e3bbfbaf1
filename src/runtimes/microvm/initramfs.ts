import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { cached, contentHash, microvmCacheDir } from './cache.js';
import { isStaticElf } from './elf.js';
import type { HostKernel } from './kernel.js';

export const GUEST_INIT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../runners/microvm/init.sh');
/** What user-mode networking and the root disk need on QEMU's microvm (virtio over MMIO). */
const WANTED_MODULES = ['virtio_mmio', 'virtio_net', 'virtio_blk', 'squashfs'];
export const BUSYBOX_FIX = 'as root: apt-get install -y busybox-static cpio (Debian), or set COLDLAB_MICROVM_BUSYBOX to a static busybox';

/** Module files in load order (dependencies first), from modules.dep; built-in modules need no file. */
export async function moduleFiles(kernel: HostKernel, wanted = WANTED_MODULES): Promise<string[]> {
  const deps = new Map<string, string[]>();
  for (const line of (await readFile(join(kernel.modulesDir, 'modules.dep'), 'utf8')).split('\n')) {
    const [file, rest] = line.split(':');
    if (file && rest !== undefined) deps.set(file, rest.trim().split(/\s+/).filter(Boolean));
  }
  const builtin = await readFile(join(kernel.modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  const byName = new Map([...deps.keys()].map((file) => [file.replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_'), file]));
  const order: string[] = [];
  const visit = (file: string): void => {
    if (order.includes(file)) return;
    for (const dep of [...(deps.get(file) ?? [])].reverse()) visit(dep);
    order.push(file);
  };
  for (const name of wanted) {
    const file = byName.get(name);
    if (file) visit(file);
    else if (!builtin.includes(`/${name}.ko`)) throw new ColdlabError('MICROVM_MODULE_MISSING', `kernel ${kernel.version} has no ${name} module`, 'use Debian\'s linux-image-amd64, which builds virtio and squashfs as modules', EXIT.runtimeUnavailable);
  }
  if (order.some((file) => !file.endsWith('.ko'))) throw new ColdlabError('MICROVM_MODULE_COMPRESSED', `kernel ${kernel.version} ships compressed modules, which the guest's busybox insmod cannot load`, 'use Debian 12\'s linux-image-amd64 (uncompressed .ko files)', EXIT.runtimeUnavailable);
  return order.map((file) => join(kernel.modulesDir, file));
}

export async function findBusybox(): Promise<string> {
  const path = process.env.COLDLAB_MICROVM_BUSYBOX ?? '/bin/busybox';
  const image = await readFile(path).catch(() => undefined);
  if (!image) throw new ColdlabError('MICROVM_NO_BUSYBOX', `no busybox at ${path} for the guest's init`, BUSYBOX_FIX, EXIT.runtimeUnavailable);
  if (!isStaticElf(image)) throw new ColdlabError('MICROVM_BUSYBOX_DYNAMIC', `${path} is dynamically linked; the guest's initramfs holds no libraries for it`, BUSYBOX_FIX, EXIT.runtimeUnavailable);
  return path;
}

/** An uncompressed newc initramfs: busybox, the guest init and the modules; cached by content hash. */
export async function buildInitramfs(kernel: HostKernel): Promise<string> {
  const busybox = await findBusybox();
  const modules = await moduleFiles(kernel);
  const hash = await contentHash([{ label: 'busybox', file: busybox }, { label: 'init', file: GUEST_INIT }, ...modules.map((file) => ({ label: file, file }))]);
  return cached(join(microvmCacheDir(), `initramfs-${kernel.version}-${hash}.cpio`), async (out) => {
    const stage = await mkdtemp(join(tmpdir(), 'coldlab-initramfs-'));
    try {
      for (const dir of ['bin', 'dev', 'proc', 'sys', 'root', 'tmp', 'modules']) await mkdir(join(stage, dir));
      await copyFile(busybox, join(stage, 'bin', 'busybox'));
      await copyFile(GUEST_INIT, join(stage, 'init'));
      await execa('chmod', ['0755', join(stage, 'init'), join(stage, 'bin', 'busybox')]);
      for (const [index, file] of modules.entries()) await copyFile(file, join(stage, 'modules', `${String(index).padStart(2, '0')}-${file.replace(/^.*\//, '')}`));
      // Uncompressed: the kernel unpacks it without decompressing, which costs seconds under TCG.
      await execa('sh', ['-c', 'find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet > "$1"', 'sh', out], { cwd: stage });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT' || /cpio: (not found|command not found)/.test(String((error as { stderr?: string }).stderr))) {
        throw new ColdlabError('MICROVM_NO_CPIO', 'cpio is needed to build the guest initramfs', BUSYBOX_FIX, EXIT.runtimeUnavailable, { cause: error });
      }
      throw error;
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  });
}
