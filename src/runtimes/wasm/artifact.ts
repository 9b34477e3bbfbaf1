import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Variant } from '../../scenario/variant.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { buildWasm, isWasmSource } from './build.js';
import { capMemory, PAGE_BYTES } from './memoryCap.js';
import { preinitialize } from './wizer.js';

/** Temp folders of a run's Wasm artifacts carry the owner's pid, so a crashed run's are found and removed later. */
export const ARTIFACT_PREFIX = 'coldlab-wasm-p';
export const artifactRoot = (runId: string): string => join(tmpdir(), `${ARTIFACT_PREFIX}${process.pid}-${runId}`);
/**
 * Per-request stdin/stdout files live in memory (/dev/shm) where there is one: on ext4, truncating and rewriting
 * a file makes close() flush it (auto_da_alloc), measured at ~4 ms per request against ~0.04 ms on tmpfs.
 */
export const STDIO_BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
export const stdioRoot = (runId: string): string => join(STDIO_BASE, `${ARTIFACT_PREFIX}${process.pid}-${runId}`);

export interface WasmArtifact {
  /** The module a cold start reads: built, pre-initialized if asked, its linear memory capped at memoryMb. */
  path: string;
  /** Module name for error messages: the scenario's file name. */
  name: string;
  notes: string[];
}

/**
 * Turns function.wasm into what the host loads for this variant: build from source (.wat, .c), pre-initialize
 * with Wizer (wasmStart: preinitialized), and cap linear memory at memoryMb (a module that needs more at start is
 * refused here, with the figures).
 */
export async function prepareArtifact(source: string, variant: Variant, runId: string): Promise<WasmArtifact> {
  const name = basename(source);
  const stem = basename(source, extname(source));
  const dir = join(artifactRoot(runId), variant.key.replace(/[^A-Za-z0-9._=-]+/g, '_'));
  await mkdir(dir, { recursive: true });
  const notes: string[] = [];
  let module = source;
  if (isWasmSource(source)) {
    // Built once per run and shared by its variants (buildWasm skips an up-to-date output).
    module = join(artifactRoot(runId), 'built', `${stem}.wasm`);
    await buildWasm(source, module);
  }
  if (variant.wasmStart === 'preinitialized') {
    const snapshot = join(dir, `${stem}.preinit.wasm`);
    await preinitialize(module, snapshot, name);
    module = snapshot;
  }
  const maxPages = Math.floor((variant.memoryMb * 1024 * 1024) / PAGE_BYTES);
  const capped = capMemory(await readFile(module), maxPages);
  if (capped.kind === 'too-small') {
    throw new ColdlabError(
      'WASM_MEMORY_TOO_SMALL',
      `module ${name} needs ${(capped.minPages * PAGE_BYTES) / 1048576} MiB of linear memory at start, more than memoryMb ${variant.memoryMb}`,
      'raise memoryMb, or build the module with a smaller initial memory',
      EXIT.usage,
    );
  }
  if (capped.kind === 'unchanged') notes.push(`wasm: linear memory of ${name} not capped (${capped.reason})`);
  const path = join(dir, `${stem}.mem${variant.memoryMb}.wasm`);
  await writeFile(path, capped.bytes);
  return { path, name, notes };
}
