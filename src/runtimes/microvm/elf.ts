/** ELF note type of the 32-bit PVH entry point (Xen's XEN_ELFNOTE_PHYS32_ENTRY), which QEMU's microvm boots directly. */
const XEN_ELFNOTE_PHYS32_ENTRY = 18;
const PT_NOTE = 4;

const align4 = (n: number): number => (n + 3) & ~3;

/** Notes ("name", type) found in an ELF64 little-endian image's PT_NOTE segments; undefined when it is not one. */
export function elfNotes(image: Buffer): Array<{ name: string; type: number }> | undefined {
  if (image.length < 64 || image.readUInt32BE(0) !== 0x7f454c46 || image[4] !== 2 || image[5] !== 1) return undefined;
  const phoff = Number(image.readBigUInt64LE(32));
  const phentsize = image.readUInt16LE(54);
  const phnum = image.readUInt16LE(56);
  const notes: Array<{ name: string; type: number }> = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > image.length || image.readUInt32LE(ph) !== PT_NOTE) continue;
    const offset = Number(image.readBigUInt64LE(ph + 8));
    const end = Math.min(image.length, offset + Number(image.readBigUInt64LE(ph + 32)));
    for (let at = offset; at + 12 <= end; ) {
      const namesz = image.readUInt32LE(at);
      const descsz = image.readUInt32LE(at + 4);
      const type = image.readUInt32LE(at + 8);
      notes.push({ name: image.subarray(at + 12, at + 12 + Math.max(0, namesz - 1)).toString('latin1'), type });
      at += 12 + align4(namesz) + align4(descsz);
    }
  }
  return notes;
}

/** True when the image is an ELF kernel with a PVH entry note. */
export function hasPvhEntry(image: Buffer): boolean {
  return (elfNotes(image) ?? []).some((n) => n.name === 'Xen' && n.type === XEN_ELFNOTE_PHYS32_ENTRY);
}

/** True for an ELF64 executable without a program interpreter (statically linked, as busybox must be in the initramfs). */
export function isStaticElf(image: Buffer): boolean {
  if (image.length < 64 || image.readUInt32BE(0) !== 0x7f454c46 || image[4] !== 2) return false;
  const phoff = Number(image.readBigUInt64LE(32));
  const phentsize = image.readUInt16LE(54);
  for (let i = 0; i < image.readUInt16LE(56); i++) {
    const ph = phoff + i * phentsize;
    if (ph + 4 <= image.length && image.readUInt32LE(ph) === 3 /* PT_INTERP */) return false;
  }
  return true;
}
