import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { cached, contentHash, microvmCacheDir } from './cache.js';
import { hasPvhEntry } from './elf.js';

export const KERNEL_FIX = 'as root: apt-get install -y linux-image-amd64 (Debian), or set COLDLAB_MICROVM_KERNEL to a vmlinuz whose modules are in /lib/modules/<version>';

export interface HostKernel {
  /** The bzImage (vmlinuz) as installed. */
  bzImage: string;
  version: string;
  /** /lib/modules/<version>, where the virtio and squashfs modules are taken from. */
  modulesDir: string;
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** The kernel package's image: COLDLAB_MICROVM_KERNEL, else the newest /boot/vmlinuz-* whose modules are installed. */
export async function findKernel(): Promise<HostKernel> {
  const chosen = process.env.COLDLAB_MICROVM_KERNEL;
  const candidates = chosen ? [chosen] : (await readdir('/boot').catch(() => [])).filter((f) => f.startsWith('vmlinuz-')).sort().reverse().map((f) => join('/boot', f));
  for (const bzImage of candidates) {
    const version = basename(bzImage).replace(/^vmlinuz-/, '');
    const modulesDir = join('/lib/modules', version);
    if ((await exists(bzImage)) && (await exists(join(modulesDir, 'modules.dep')))) return { bzImage, version, modulesDir };
  }
  throw new ColdlabError('MICROVM_NO_KERNEL', chosen ? `${chosen} or its modules (/lib/modules/<version>) are missing` : 'no guest kernel: no /boot/vmlinuz-* with its modules in /lib/modules', KERNEL_FIX, EXIT.runtimeUnavailable);
}

/** Offsets of the XZ stream magic (FD 37 7A 58 5A 00) in a bzImage: its compressed payload starts at one of them. */
function xzOffsets(image: Buffer): number[] {
  const magic = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  const found: number[] = [];
  for (let at = image.indexOf(magic); at >= 0 && found.length < 8; at = image.indexOf(magic, at + 1)) found.push(at);
  return found;
}

/**
 * The uncompressed ELF vmlinux of a bzImage (what scripts/extract-vmlinux does for XZ): QEMU's microvm boots
 * it through its PVH entry without firmware decompression, which was the largest cost of a TCG boot here.
 */
export async function pvhVmlinux(kernel: HostKernel): Promise<string> {
  const hash = await contentHash([{ label: 'bzImage', file: kernel.bzImage }]);
  return cached(join(microvmCacheDir(), `vmlinux-${kernel.version}-${hash}`), async (tmp) => {
    const image = await readFile(kernel.bzImage);
    if (hasPvhEntry(image)) {
      await execa('cp', [kernel.bzImage, tmp]);
      return;
    }
    for (const offset of xzOffsets(image)) {
      const out = await execa('xz', ['-dc', '--single-stream'], { input: image.subarray(offset), stdout: { file: tmp }, reject: false });
      if (out.exitCode === 0 && hasPvhEntry(await readFile(tmp))) return;
    }
    throw new ColdlabError('MICROVM_KERNEL_NOT_PVH', `${kernel.bzImage} holds no XZ-compressed ELF kernel with a PVH entry note`, 'use Debian\'s linux-image-amd64 (CONFIG_PVH=y, XZ-compressed) or point COLDLAB_MICROVM_KERNEL at such a kernel', EXIT.runtimeUnavailable);
  });
}
