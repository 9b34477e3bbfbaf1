import { execa } from 'execa';
import { ColdlabError, EXIT } from '../../util/errors.js';

/** The export Wizer calls at build time; its effects on memory and globals are snapshotted into the module. */
export const WIZER_INIT = 'wizer.initialize';

/** Path of the Wizer binary that npm installed for this platform (@bytecodealliance/wizer's optional packages). */
export async function wizerBinary(): Promise<string> {
  try {
    return (await import('@bytecodealliance/wizer')).default as string;
  } catch (error) {
    throw new ColdlabError('WASM_NO_WIZER', `Wizer is not installed for this platform: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, 'run npm ci (with optional dependencies) on linux-x64, linux-arm64 or macOS', EXIT.runtimeUnavailable);
  }
}

/** Pre-initializes a module: runs its wizer.initialize at build time and writes the snapshot to output. */
export async function preinitialize(input: string, output: string, moduleName: string): Promise<void> {
  const result = await execa(await wizerBinary(), ['--allow-wasi', '--wasm-bulk-memory', 'true', '--init-func', WIZER_INIT, '-o', output, input], { reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new ColdlabError(
      'WASM_PREINIT_FAILED',
      `Wizer could not pre-initialize ${moduleName}: ${(result.all ?? '').trim().split('\n').slice(-4).join(' | ')}`,
      `a module for wasmStart: preinitialized must export "${WIZER_INIT}" (its init) and be a valid WASI module; or use wasmStart compile/cached`,
      EXIT.usage,
    );
  }
}
