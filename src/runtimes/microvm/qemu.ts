import { readFile } from 'node:fs/promises';

export type Accelerator = 'kvm' | 'tcg';
export const QEMU_BINARY = process.env.COLDLAB_QEMU ?? 'qemu-system-x86_64';
/** Where the bootstrap listens inside the guest; QEMU forwards a loopback port of the host to it. */
export const GUEST_PORT = 8080;

export interface QemuLaunch {
  accel: Accelerator;
  memoryMb: number;
  vcpus: number;
  vmlinux: string;
  initramfs: string;
  /** Root disk (squashfs); absent for the accelerator probe's tiny guest. */
  rootDisk?: string;
  /** Loopback port forwarded to GUEST_PORT; absent: no network. */
  hostPort?: number;
  /** Shown in `ps` and matched by the leftover sweep: coldlab-p<owner pid>-<run>-<instance>. */
  name: string;
  /** Extra kernel parameters read by the guest init (coldlab.instance=…). */
  params: string[];
  tscKhz?: number | undefined;
  /** QMP socket, for saving a snapshot. */
  qmpSocket?: string;
  /** Restore: a snapshot file saved by migration, loaded instead of booting; `defer`: the incoming migration is started over QMP. */
  incoming?: string;
  /**
   * Guest RAM in a file instead of anonymous memory: shared (the lazy snapshot's template writes its RAM there)
   * or private (a lazy restore maps it copy-on-write, so each page is read on first touch and stays the template's for the others).
   */
  ramFile?: { path: string; shared: boolean };
  /**
   * The snapshot template: it is paused before it is saved, and saves no run state, so that a restored
   * guest starts running at once instead of staying paused like its source.
   */
  snapshotSource?: boolean;
}

/**
 * The kernel command line FIELD.md measured fastest under TCG: quiet console, no timer checks or
 * mitigations, and the host's TSC frequency so the guest never calibrates it against the PIT (which hung
 * about one boot in ten). ACPI stays on in the machine: it is how this kernel finds the virtio-mmio
 * devices (Debian builds it without VIRTIO_MMIO_CMDLINE_DEVICES).
 */
export function kernelCmdline(launch: Pick<QemuLaunch, 'tscKhz' | 'params'>): string {
  return [
    'console=ttyS0',
    'rdinit=/init',
    'quiet',
    'loglevel=3',
    'tsc=reliable',
    'no_timer_check',
    'mitigations=off',
    'random.trust_cpu=on',
    'cryptomgr.notests',
    'i8042.noaux',
    'i8042.nomux',
    'i8042.dumbkbd',
    'reboot=t',
    'panic=-1',
    ...(launch.tscKhz ? [`tsc_early_khz=${launch.tscKhz}`] : []),
    ...launch.params,
  ].join(' ');
}

/** qemu-system-x86_64 -M microvm arguments: PVH kernel, RTC on, +rdrand, user-mode network, serial on stdio. */
export function qemuArgs(launch: QemuLaunch): string[] {
  const args = [
    '-name', launch.name,
    '-M', 'microvm,rtc=on',
    '-accel', launch.accel,
    // Without RDRAND the guest's first Node start blocks about a second waiting for entropy.
    '-cpu', launch.accel === 'kvm' ? 'host' : 'qemu64,+rdrand',
    '-m', `${launch.memoryMb}M`,
    '-smp', String(launch.vcpus),
    '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-no-reboot',
    '-kernel', launch.vmlinux,
    '-initrd', launch.initramfs,
    '-append', kernelCmdline(launch),
  ];
  if (launch.hostPort !== undefined) {
    args.push('-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${launch.hostPort}-10.0.2.15:${GUEST_PORT}`, '-device', 'virtio-net-device,netdev=n0');
  }
  if (launch.rootDisk !== undefined) {
    args.push('-drive', `id=d0,file=${launch.rootDisk},format=raw,if=none,readonly=on`, '-device', 'virtio-blk-device,drive=d0');
  }
  if (launch.qmpSocket !== undefined) args.push('-qmp', `unix:${launch.qmpSocket},server=on,wait=off`);
  if (launch.snapshotSource) args.push('-global', 'migration.store-global-state=off');
  if (launch.ramFile !== undefined) {
    args.push('-object', `memory-backend-file,id=ram0,size=${launch.memoryMb}M,mem-path=${launch.ramFile.path},share=${launch.ramFile.shared ? 'on' : 'off'}`, '-machine', 'memory-backend=ram0');
  }
  if (launch.incoming === 'defer') args.push('-incoming', 'defer');
  else if (launch.incoming !== undefined) args.push('-incoming', `exec:cat ${shellWord(launch.incoming)}`);
  return args;
}

function shellWord(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The host's TSC frequency in kHz (TCG's guest TSC runs at the host's): COLDLAB_MICROVM_TSC_KHZ, the kernel's
 * tsc_freq_khz where it exports one, else cpu0's "cpu MHz" (the TSC rate on constant_tsc CPUs and in VMs).
 */
export async function hostTscKhz(): Promise<number | undefined> {
  const forced = Number(process.env.COLDLAB_MICROVM_TSC_KHZ);
  if (forced > 0) return Math.round(forced);
  const exported = Number((await readFile('/sys/devices/system/cpu/cpu0/tsc_freq_khz', 'utf8').catch(() => '')).trim());
  if (exported > 0) return exported;
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '';
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)?.[1]);
  return mhz > 0 && /\bconstant_tsc\b/.test(flags) ? Math.round(mhz * 1000) : undefined;
}
