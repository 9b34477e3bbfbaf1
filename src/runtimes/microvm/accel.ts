import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nowUs, sleep } from '../../util/clock.js';
import { microvmCacheDir } from './cache.js';
import { type Accelerator, qemuArgs } from './qemu.js';
import { spawnQemu } from './spawn.js';

export interface AcceleratorChoice {
  accel: Accelerator;
  /** Why: "KVM booted a guest in 180 ms", "/dev/kvm is absent", "a KVM guest did not boot within 10 s". */
  why: string;
}

/** Long enough for a KVM boot on a slow host (100–250 ms on a healthy one); a hung one never gets there. */
const KVM_PROBE_TIMEOUT_MS = 10_000;

async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
}

/** Boots the guest kernel under KVM to its first userspace line; true if it got there in time. */
async function kvmBoots(vmlinux: string, initramfs: string): Promise<{ ok: boolean; ms: number; failure: string }> {
  const started = nowUs();
  const qemu = await spawnQemu(qemuArgs({ accel: 'kvm', memoryMb: 128, vcpus: 1, vmlinux, initramfs, name: `coldlab-p${process.pid}-kvm-probe`, params: ['coldlab.probe=1'] }), []);
  const ok = await qemu.console.ask('', 'coldlab-probe-ok', KVM_PROBE_TIMEOUT_MS).then((line) => line !== undefined);
  const ms = (nowUs() - started) / 1000;
  // The console closes a moment before QEMU's exit is reported: give a failing QEMU that moment.
  const exited = await Promise.race([qemu.exit.then(() => true), sleep(500).then(() => false)]);
  qemu.child.kill('SIGKILL');
  await qemu.exit;
  const error = qemu.stderrTail().split('\n').find((line) => /error/i.test(line)) ?? qemu.stderrTail().split('\n')[0];
  const failure = exited ? `QEMU failed under KVM${error ? ` (${error.replace(/^qemu-system-x86_64:\s*(error:\s*)?/, '')})` : ''}` : `a KVM guest did not boot within ${KVM_PROBE_TIMEOUT_MS / 1000} s (nested KVM hangs)`;
  return { ok, ms, failure };
}

/**
 * KVM when it really works, else TCG. /dev/kvm existing is not enough: in a nested VM (this host is a
 * Firecracker guest) KVM guests hang at boot. The answer holds until the host reboots, so it is kept on disk
 * by boot id; COLDLAB_MICROVM_ACCEL=tcg|kvm forces one.
 */
export async function detectAccelerator(vmlinux: string, initramfs: string): Promise<AcceleratorChoice> {
  const forced = process.env.COLDLAB_MICROVM_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') return { accel: forced, why: 'forced by COLDLAB_MICROVM_ACCEL' };
  const canOpen = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, (error: NodeJS.ErrnoException) => error.code);
  if (canOpen !== true) return { accel: 'tcg', why: canOpen === 'ENOENT' ? '/dev/kvm is absent' : `/dev/kvm is not usable (${String(canOpen)})` };
  const memo = join(microvmCacheDir(), `accel-${await bootId()}.json`);
  const known = await readFile(memo, 'utf8').then((text) => JSON.parse(text) as AcceleratorChoice, () => undefined);
  if (known?.accel === 'kvm' || known?.accel === 'tcg') return known;
  const probe = await kvmBoots(vmlinux, initramfs);
  const choice: AcceleratorChoice = probe.ok
    ? { accel: 'kvm', why: `KVM booted a probe guest in ${Math.round(probe.ms)} ms` }
    : { accel: 'tcg', why: `/dev/kvm is present but ${probe.failure}, so QEMU emulates the CPU (TCG)` };
  await mkdir(microvmCacheDir(), { recursive: true });
  await writeFile(memo, JSON.stringify(choice));
  return choice;
}
