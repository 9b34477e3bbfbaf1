import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { LoadedScenario } from '../scenario/load.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/**
 * What a task needs from the machine that started the job, without a shared filesystem: the scenario
 * file, its function's folder, its Wasm module and trace files. Each file goes to the same absolute path
 * inside the task's container, so every path the scenario names (relative or absolute) stays valid.
 */
export interface Bundle {
  scenario: string;
  files: Array<{ path: string; mode: number; base64: string }>;
}

export const BUNDLE_LIMIT_BYTES = 64 * 1024 * 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && !e.parentPath.split('/').includes('.git')).map((e) => join(e.parentPath, e.name));
}

/** Every file of the bundle, by absolute path. */
export async function bundlePaths(loaded: LoadedScenario): Promise<string[]> {
  const paths = new Set<string>([loaded.file]);
  for (const fn of [loaded.fn, loaded.baselineFn]) {
    if (fn?.path !== undefined) for (const file of await filesUnder(dirname(fn.path))) paths.add(file);
    if (fn?.wasm !== undefined) paths.add(fn.wasm);
  }
  for (const phase of loaded.scenario.phases) if (phase.kind === 'trace') paths.add(phase.file);
  return [...paths].sort();
}

export async function makeBundle(loaded: LoadedScenario): Promise<Bundle> {
  const files: Bundle['files'] = [];
  let total = 0;
  for (const path of await bundlePaths(loaded)) {
    const info = await stat(path);
    total += info.size;
    if (total > BUNDLE_LIMIT_BYTES) {
      throw new ColdlabError('BUNDLE_TOO_LARGE', `the scenario's files (function folder ${loaded.fn.path ? dirname(loaded.fn.path) : ''}, traces) exceed ${BUNDLE_LIMIT_BYTES / 2 ** 20} MiB`, 'keep the function in a folder of its own, or bake it into the runner image', EXIT.usage);
    }
    files.push({ path, mode: info.mode & 0o777, base64: (await readFile(path)).toString('base64') });
  }
  return { scenario: loaded.file, files };
}

/** In the task: writes each file at its path (the container's filesystem is the task's own). */
export async function unpackBundle(bundle: Bundle): Promise<void> {
  for (const file of bundle.files) {
    if (!isAbsolute(file.path) || file.path.split('/').includes('..')) throw new Error(`bundle path ${file.path} is not a plain absolute path`);
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, Buffer.from(file.base64, 'base64'));
    await chmod(file.path, file.mode);
  }
}
