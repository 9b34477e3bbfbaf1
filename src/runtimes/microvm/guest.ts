import { access } from 'node:fs/promises';
import { execa } from 'execa';
import type { ModuleFunction } from '../moduleFunction.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import { type AcceleratorChoice, detectAccelerator } from './accel.js';
import { buildRootDisk } from './disk.js';
import { buildInitramfs } from './initramfs.js';
import { findKernel, pvhVmlinux } from './kernel.js';
import { GUEST_PORT, hostTscKhz, QEMU_BINARY } from './qemu.js';

export const QEMU_FIX = 'as root: apt-get install -y qemu-system-x86 (Debian), or set COLDLAB_QEMU to a qemu-system-x86_64 binary';

/** Kernel, initramfs and accelerator: what every guest of this machine shares. */
export interface GuestBase {
  qemuVersion: string;
  kernelVersion: string;
  vmlinux: string;
  initramfs: string;
  accel: AcceleratorChoice;
  tscKhz: number | undefined;
}

export async function qemuVersion(): Promise<string> {
  try {
    const { stdout } = await execa(QEMU_BINARY, ['--version']);
    return /version\s+([\w.+~-]+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0] ?? '?';
  } catch (error) {
    throw new ColdlabError('MICROVM_NO_QEMU', `${QEMU_BINARY} does not run here (${errorMessage(error).split('\n')[0] ?? ''})`, QEMU_FIX, EXIT.runtimeUnavailable);
  }
}

let base: Promise<GuestBase> | undefined;

/** Built once per process (and cached on disk by content hash): the PVH kernel, the initramfs, the accelerator. */
export function guestBase(): Promise<GuestBase> {
  base ??= (async () => {
    const version = await qemuVersion();
    const kernel = await findKernel();
    const vmlinux = await pvhVmlinux(kernel);
    const initramfs = await buildInitramfs(kernel);
    const accel = await detectAccelerator(vmlinux, initramfs);
    return { qemuVersion: version, kernelVersion: kernel.version, vmlinux, initramfs, accel, tscKhz: await hostTscKhz() };
  })();
  base.catch(() => {
    base = undefined;
  });
  return base;
}

/** The function's root disk (cached by content hash), after checking the module exists. */
export async function functionDisk(fn: ModuleFunction): Promise<string> {
  await access(fn.path).catch(() => {
    throw new ColdlabError('FUNCTION_NOT_FOUND', `function module ${fn.path} does not exist`, 'check function.path in the scenario', EXIT.usage);
  });
  return buildRootDisk(fn, GUEST_PORT);
}
