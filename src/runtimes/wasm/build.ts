import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { execa } from 'execa';
import { ColdlabError, EXIT } from '../../util/errors.js';

/** Source kinds coldlab builds into a module itself: WAT through npm wabt, C through clang for wasm32-wasi. */
export const SOURCE_EXTENSIONS = ['.wat', '.c'] as const;
const CLANGS = ['clang-14', 'clang', 'clang-19', 'clang-16', 'clang-15'];
// Debian's wasi-libc installs headers and libraries under /usr/{include,lib}/wasm32-wasi, which --sysroot=/usr finds.
const WASI_SYSROOT = process.env.COLDLAB_WASI_SYSROOT ?? '/usr';

export const isWasmSource = (path: string): boolean => (SOURCE_EXTENSIONS as readonly string[]).includes(extname(path));

/** The first clang on PATH that links a wasm32-wasi program; undefined when none can. */
export async function findClang(): Promise<string | undefined> {
  for (const clang of CLANGS) {
    const ok = await execa(clang, ['--target=wasm32-wasi', `--sysroot=${WASI_SYSROOT}`, '-print-libgcc-file-name'], { reject: false });
    if (ok.exitCode === 0 && (await stat(ok.stdout.trim()).catch(() => undefined))) return clang;
  }
  return undefined;
}

async function watToWasm(source: string): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(basename(source), await readFile(source, 'utf8'));
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

async function cToWasm(source: string, out: string): Promise<void> {
  const clang = await findClang();
  if (!clang) {
    throw new ColdlabError('WASM_NO_CLANG', `cannot build ${source}: no clang that targets wasm32-wasi`, 'install clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (Debian packages; in a coldlab clone, scripts/test-env.sh installs them)', EXIT.runtimeUnavailable);
  }
  const built = await execa(clang, ['--target=wasm32-wasi', `--sysroot=${WASI_SYSROOT}`, '-O2', '-o', out, source], { reject: false, all: true });
  if (built.exitCode !== 0) throw new ColdlabError('WASM_BUILD_FAILED', `${clang} could not build ${source}:\n${built.all ?? ''}`, 'fix the C source; it is built with --target=wasm32-wasi -O2', EXIT.usage);
}

/** Builds source into out (a .wasm) unless out is newer than source; returns whether it built. */
export async function buildWasm(source: string, out: string): Promise<boolean> {
  const [from, to] = await Promise.all([stat(source), stat(out).catch(() => undefined)]);
  if (to && to.mtimeMs >= from.mtimeMs) return false;
  await mkdir(dirname(out), { recursive: true });
  const ext = extname(source);
  if (ext === '.wat') {
    try {
      await writeFile(out, await watToWasm(source));
    } catch (error) {
      throw new ColdlabError('WASM_BUILD_FAILED', `wabt could not build ${source}: ${error instanceof Error ? error.message : String(error)}`, 'fix the WAT source', EXIT.usage);
    }
  } else if (ext === '.c') {
    await cToWasm(source, out);
  } else {
    throw new ColdlabError('WASM_BUILD_FAILED', `cannot build ${source}: coldlab builds ${SOURCE_EXTENSIONS.join(' and ')} sources`, 'give a .wasm module, a .wat or a .c source', EXIT.usage);
  }
  return true;
}
