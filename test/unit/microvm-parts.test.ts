import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseScenarioText } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { problemsOf } from '../helpers/scenario.js';
import { variantLabel } from '../../src/present/format.js';
import { kernelCmdline, qemuArgs } from '../../src/runtimes/microvm/qemu.js';
import { parseClockAnswer, parseGuestMeminfo } from '../../src/runtimes/microvm/console.js';
import { elfNotes, hasPvhEntry, isStaticElf } from '../../src/runtimes/microvm/elf.js';

// The microvm runtime's pure parts: its scenario key, the QEMU command it builds, what it parses.
const FILE = resolve('test/data/scenarios/virtual.yaml');
const HEAD = 'name: vm\nfunction:\n  path: ../../../fixtures/functions/hello.mjs\n';
const PHASES = 'phases:\n  - kind: constant\n    rate: 10\n    duration: 2s\n';

/** A minimal ELF64 image with one PT_NOTE segment holding the given notes (and, optionally, a PT_INTERP). */
function elf(notes: Array<{ name: string; type: number }>, interp = false): Buffer {
  const body = Buffer.concat(notes.map((n) => {
    const name = Buffer.alloc(Math.ceil((n.name.length + 1) / 4) * 4);
    name.write(n.name, 'latin1');
    const head = Buffer.alloc(12);
    head.writeUInt32LE(n.name.length + 1, 0);
    head.writeUInt32LE(4, 4);
    head.writeUInt32LE(n.type, 8);
    return Buffer.concat([head, name, Buffer.alloc(4)]);
  }));
  const phnum = interp ? 2 : 1;
  const image = Buffer.alloc(64 + 56 * phnum + body.length);
  image.writeUInt32BE(0x7f454c46, 0);
  image[4] = 2;
  image[5] = 1;
  image.writeBigUInt64LE(64n, 32);
  image.writeUInt16LE(56, 54);
  image.writeUInt16LE(phnum, 56);
  image.writeUInt32LE(4, 64);
  image.writeBigUInt64LE(BigInt(64 + 56 * phnum), 64 + 8);
  image.writeBigUInt64LE(BigInt(body.length), 64 + 32);
  if (interp) image.writeUInt32LE(3, 120);
  body.copy(image, 64 + 56 * phnum);
  return image;
}

describe('matrix.microvmStart', () => {
  it('expands microvm into boot and restore variants, and nothing else', () => {
    const text = `${HEAD}runtimes: [process, microvm]\nmatrix:\n  microvmStart: [boot, restore]\n${PHASES}`;
    const variants = expandVariants(parseScenarioText(text, FILE).scenario, { hostCores: 2 });
    expect(variants.map((v) => v.key)).toEqual([
      'process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10',
      'microvm/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10/start=boot',
      'microvm/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10/start=restore',
    ]);
    expect(variantLabel(variants[2]!)).toBe('microvm (restore) · 512 MB · provisioned 0 · prewarm on');
  });

  it('is a problem with a hint when no runtime is microvm, and rejects other values', () => {
    expect(problemsOf(`${HEAD}matrix:\n  microvmStart: restore\n${PHASES}`, FILE)).toEqual([
      expect.objectContaining({ line: 5, message: expect.stringContaining('applies only to the microvm runtime'), hint: expect.stringContaining('add microvm to runtimes') }),
    ]);
    expect(problemsOf(`${HEAD}runtimes: microvm\nmatrix:\n  microvmStart: resume\n${PHASES}`, FILE)).toHaveLength(1);
  });
});

describe('the QEMU command', () => {
  const launch = { accel: 'tcg' as const, memoryMb: 256, vcpus: 1, vmlinux: '/k', initramfs: '/i', rootDisk: '/d', hostPort: 4000, name: 'coldlab-p1-r-i1', params: ['coldlab.instance=i1'], tscKhz: 2445406 };

  it('boots the PVH kernel on microvm with RTC, +rdrand, the host TSC rate and a loopback-only forward', () => {
    const args = qemuArgs(launch).join(' ');
    expect(args).toContain('-M microvm,rtc=on');
    expect(args).toContain('-cpu qemu64,+rdrand');
    expect(args).toContain('-m 256M');
    expect(args).toContain('hostfwd=tcp:127.0.0.1:4000-10.0.2.15:8080');
    expect(args).toContain('file=/d,format=raw,if=none,readonly=on');
    expect(args).not.toContain('-incoming');
    const cmdline = kernelCmdline(launch);
    for (const word of ['quiet', 'tsc=reliable', 'no_timer_check', 'mitigations=off', 'tsc_early_khz=2445406', 'coldlab.instance=i1']) expect(cmdline.split(' ')).toContain(word);
  });

  it('restores from a snapshot file with -incoming', () => {
    const args = qemuArgs({ ...launch, incoming: "/tmp/it's.bin" });
    expect(args.slice(-2)).toEqual(['-incoming', "exec:cat '/tmp/it'\\''s.bin'"]);
  });

  it('lazy restore: guest RAM mapped privately from a file, the incoming migration deferred to QMP', () => {
    const args = qemuArgs({ ...launch, incoming: 'defer', ramFile: { path: '/run/ram.bin', shared: false } }).join(' ');
    expect(args).toContain('-object memory-backend-file,id=ram0,size=256M,mem-path=/run/ram.bin,share=off -machine memory-backend=ram0');
    expect(args).toContain('-incoming defer');
    expect(qemuArgs({ ...launch, ramFile: { path: '/run/ram.bin', shared: true } }).join(' ')).toContain('share=on');
  });
});

describe('what the runtime parses', () => {
  it('reads the guest init\'s meminfo answer', () => {
    expect(parseGuestMeminfo('coldlab-meminfo MemTotal=210884 MemAvailable=172348 Cached=51112')).toEqual({ memTotalKb: 210884, memAvailableKb: 172348, cachedKb: 51112 });
    expect(parseGuestMeminfo('coldlab-meminfo MemTotal=1')).toBeUndefined();
  });

  it('reads the guest init\'s clock answer, and a failed or missing one as unconfirmed', () => {
    expect(parseClockAnswer('coldlab-clock 1796544000')).toBe(1796544000);
    expect(parseClockAnswer('coldlab-clock-failed')).toBeUndefined();
    expect(parseClockAnswer(undefined)).toBeUndefined();
  });

  it('finds the PVH entry note (Xen, type 18) in an ELF kernel and tells static from dynamic executables', () => {
    expect(hasPvhEntry(elf([{ name: 'Xen', type: 6 }, { name: 'Xen', type: 18 }]))).toBe(true);
    expect(elfNotes(elf([{ name: 'GNU', type: 3 }]))).toEqual([{ name: 'GNU', type: 3 }]);
    expect(hasPvhEntry(elf([{ name: 'GNU', type: 18 }]))).toBe(false);
    expect(hasPvhEntry(Buffer.from('MZ not an elf'))).toBe(false);
    expect(isStaticElf(elf([]))).toBe(true);
    expect(isStaticElf(elf([], true))).toBe(false);
  });
});
