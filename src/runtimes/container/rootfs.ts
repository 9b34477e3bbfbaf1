import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BOOTSTRAP } from '../process/runtime.js';

/** Where the bootstrap lives inside every coldlab image. */
export const IMAGE_BOOTSTRAP = '/opt/coldlab/bootstrap.mjs';
export const IMAGE_NODE = '/usr/bin/node';

export interface BaseRootfs {
  /** sha256 over the paths and contents of every file in it. */
  hash: string;
  /** A directory holding the root filesystem (node, its libraries, the bootstrap). */
  dir: string;
}

export function cacheDir(): string {
  const env = process.env;
  const base = env.COLDLAB_CACHE ?? env.COLDLAB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'coldlab');
  return join(base, 'container');
}

// ldd is a bash script that runs the program with LD_TRACE_LOADED_OBJECTS set; the runner image has no
// bash and no ldd, so inside a swarm task the loader is asked the same way directly (same output).
function listLibraries(nodePath: string): Promise<{ stdout: string }> {
  return execa('ldd', [nodePath]).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return execa(nodePath, [], { env: { LD_TRACE_LOADED_OBJECTS: '1' }, extendEnv: false });
  });
}

// The image's content is the host's Node, the shared libraries ldd lists for it (incl. the loader) and the bootstrap.
async function rootfsFiles(nodePath: string): Promise<Map<string, string>> {
  const files = new Map<string, string>([[IMAGE_NODE, nodePath], [IMAGE_BOOTSTRAP, BOOTSTRAP]]);
  const { stdout } = await listLibraries(nodePath);
  for (const line of stdout.split('\n')) {
    const linked = /=>\s+(\/\S+)/.exec(line)?.[1];
    const loader = /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    const path = linked ?? loader;
    if (path) files.set(path, path);
  }
  return files;
}

async function hashFiles(files: Map<string, string>): Promise<string> {
  const hash = createHash('sha256');
  for (const [inImage, onHost] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${inImage}\0${(await stat(onHost)).mode & 0o777}\0`);
    for await (const chunk of createReadStream(onHost)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

const memo = new Map<string, Promise<BaseRootfs>>();

/** Stages (once per content hash, cached on disk) the root filesystem of the base image. */
export function baseRootfs(nodePath = process.execPath): Promise<BaseRootfs> {
  let staged = memo.get(nodePath);
  if (!staged) {
    staged = stage(nodePath);
    memo.set(nodePath, staged);
    staged.catch(() => memo.delete(nodePath));
  }
  return staged;
}

async function stage(nodePath: string): Promise<BaseRootfs> {
  const files = await rootfsFiles(nodePath);
  const hash = (await hashFiles(files)).slice(0, 16);
  const dir = join(cacheDir(), `rootfs-${hash}`);
  const done = join(dir, '.complete');
  if (await stat(done).then(() => true, () => false)) return { hash, dir };
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  for (const [inImage, onHost] of files) {
    const target = join(tmp, 'rootfs', inImage);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(onHost, target);
  }
  await mkdir(join(tmp, 'rootfs', 'tmp'), { recursive: true, mode: 0o1777 });
  await mkdir(join(tmp, 'rootfs', 'var', 'task'), { recursive: true });
  await writeFile(join(tmp, '.complete'), `${hash}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { hash, dir };
}

/** Copies a function's folder into a build context, as `fn/`. */
export async function copyFunctionFolder(fnDir: string, contextDir: string): Promise<void> {
  await cp(fnDir, join(contextDir, 'fn'), { recursive: true, dereference: true });
}

/** Content hash of a function's folder (paths + contents), for its image tag. */
export async function hashFolder(dir: string): Promise<string> {
  const { stdout } = await execa('find', ['.', '-type', 'f', '-not', '-path', '*/.git/*'], { cwd: dir });
  const hash = createHash('sha256');
  for (const file of stdout.split('\n').filter(Boolean).sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}
