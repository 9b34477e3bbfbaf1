import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { execa } from 'execa';
import type { ModuleFunction } from '../moduleFunction.js';
import { type Docker, followStream, KIND_LABEL, LABEL, RUN_LABEL, statusOf, tagSafe } from './docker.js';
import { OWNER_LABEL } from '../owner.js';
import { formatOwner, OWNER_ID_LABEL } from '../ownerIdentity.js';
import { baseRootfs, cacheDir, copyFunctionFolder, hashFolder, IMAGE_BOOTSTRAP, IMAGE_NODE } from './rootfs.js';

/**
 * Where a function's folder is copied inside its image. Copied, not bind-mounted: the image is then
 * self-contained, so a prewarm-off start pulls everything the function needs, as a real platform's would.
 */
export const TASK_DIR = '/var/task';

export interface FunctionImage {
  /** Local reference, e.g. coldlab/fn-hello:ab12...-r1 */
  ref: string;
  repo: string;
  tag: string;
  /** Path of the function module inside the image. */
  fnPath: string;
  baseRef: string;
}

const ENTRY = `USER 65534:65534\nWORKDIR ${TASK_DIR}\nENTRYPOINT ["${IMAGE_NODE}", "${IMAGE_BOOTSTRAP}"]\n`;

export async function imageExists(d: Docker, ref: string): Promise<boolean> {
  try {
    await d.getImage(ref).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

// Builds from a context directory streamed as tar: no Docker CLI and no BuildKit needed, FROM scratch works offline.
export async function build(d: Docker, contextDir: string, ref: string): Promise<void> {
  // Never rejects on its own: a failed build must not leave tar's failure as an unhandled rejection.
  const tar = execa('tar', ['-C', contextDir, '-c', '.'], { buffer: false, stdout: 'pipe', reject: false });
  const stream = await d.buildImage(tar.stdout, { t: ref, rm: true, forcerm: true });
  await followStream(d, stream);
  const { exitCode } = await tar;
  // Exit 1 is GNU tar's "file changed as we read it": another run hard-linking the same cached rootfs
  // changes the files' ctime, not their content. Anything above is a real failure.
  if (exitCode !== 0 && exitCode !== 1) throw new Error(`tar of the build context ${contextDir} failed with exit code ${exitCode ?? '?'}`);
}

export async function withContext<T>(use: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(cacheDir(), { recursive: true });
  const dir = await mkdtemp(join(cacheDir(), 'ctx-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** coldlab/node-base:<hash>: the host's Node + libraries + bootstrap, built once and kept across runs as a cache. */
export async function ensureBaseImage(d: Docker): Promise<string> {
  const rootfs = await baseRootfs();
  const ref = `coldlab/node-base:${rootfs.hash}`;
  if (await imageExists(d, ref)) return ref;
  await withContext(async (ctx) => {
    await execa('cp', ['-al', join(rootfs.dir, 'rootfs'), join(ctx, 'rootfs')]);
    await writeFile(join(ctx, 'Dockerfile'), `FROM scratch\nCOPY rootfs/ /\nLABEL ${LABEL}=1 ${KIND_LABEL}=base\n${ENTRY}`);
    await build(d, ctx, ref);
  });
  return ref;
}

function names(fn: ModuleFunction, fnHash: string, baseHash: string, runId: string, flat: boolean): { repo: string; tag: string } {
  const name = tagSafe(basename(fn.path, extname(fn.path))).toLowerCase() || 'fn';
  return { repo: `coldlab/fn-${name}${flat ? '-flat' : ''}`, tag: `${fnHash}-${baseHash.slice(0, 8)}-r${tagSafe(runId)}` };
}

/**
 * The function's image for one run. Layered (FROM the base) when prewarm is on; flat (one layer holding
 * Node and the function) when it is off, so that removing it really deletes its layers and the next pull
 * downloads the whole image instead of finding the base layer already present.
 */
export async function ensureFunctionImage(d: Docker, fn: ModuleFunction, runId: string, flat: boolean): Promise<FunctionImage> {
  const baseRef = await ensureBaseImage(d);
  const fnDir = dirname(fn.path);
  const fnHash = await hashFolder(fnDir);
  const { repo, tag } = names(fn, fnHash, baseRef.split(':')[1] ?? '', runId, flat);
  const ref = `${repo}:${tag}`;
  const image = { ref, repo, tag, fnPath: `${TASK_DIR}/${basename(fn.path)}`, baseRef };
  if (await imageExists(d, ref)) return image;
  const labels = `LABEL ${LABEL}=1 ${RUN_LABEL}="${runId}" ${KIND_LABEL}=function ${OWNER_LABEL}=${process.pid} ${OWNER_ID_LABEL}="${formatOwner()}"\n`;
  await withContext(async (ctx) => {
    if (flat) {
      const rootfs = await baseRootfs();
      await execa('cp', ['-al', join(rootfs.dir, 'rootfs'), join(ctx, 'rootfs')]);
      await rm(join(ctx, 'rootfs', TASK_DIR.slice(1)), { recursive: true, force: true });
      await copyFunctionFolder(fnDir, ctx);
      await execa('mv', [join(ctx, 'fn'), join(ctx, 'rootfs', TASK_DIR.slice(1))]);
      // A per-run file makes the layer's digest unique, so no other run's image can hold it locally.
      await writeFile(join(ctx, 'rootfs', 'opt', 'coldlab', 'run'), `${runId}\n`);
      await writeFile(join(ctx, 'Dockerfile'), `FROM scratch\nCOPY rootfs/ /\n${labels}${ENTRY}`);
    } else {
      await copyFunctionFolder(fnDir, ctx);
      await writeFile(join(ctx, 'Dockerfile'), `FROM ${baseRef}\nCOPY fn/ ${TASK_DIR}/\n${labels}${ENTRY}`);
    }
    await build(d, ctx, ref);
  });
  return image;
}
