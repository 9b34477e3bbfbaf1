import { createHash } from 'node:crypto';
import { access, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Docker } from '../runtimes/container/docker.js';
import { KIND_LABEL, LABEL } from '../runtimes/container/docker.js';
import { build, ensureBaseImage, withContext } from '../runtimes/container/images.js';
import { hashFolder } from '../runtimes/container/rootfs.js';
import { VERSION } from '../util/version.js';
import { runnerTools } from './tools.js';
import { type AppPackage, appPackages } from './appPackages.js';

/** The coldlab checkout this code runs from (dist/cluster/ → ../..). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where coldlab lives inside the runner image. */
export const IMAGE_APP = '/opt/coldlab/app';
export const CONTENT_LABEL = 'coldlab.content';
// An installed coldlab has no package-lock.json (npm never packs one) and only some fixtures: what is absent is left out.
const APP_PARTS = ['package.json', 'bin', 'dist', 'runners', 'fixtures', 'scenarios'];

export const runnerRef = (version = VERSION): string => `coldlab:${version}`;

// The image's content is this checkout's (or installed package's): a rebuilt dist/ or another dependency version makes a new image under the same tag.
async function contentHash(packages: readonly AppPackage[]): Promise<string> {
  const hash = createHash('sha256');
  for (const part of APP_PARTS) {
    if (part.endsWith('.json')) hash.update(await readFile(join(APP_ROOT, part)));
    else hash.update(await hashFolder(join(APP_ROOT, part)).catch(() => 'absent'));
  }
  for (const p of packages) hash.update(`${p.to}@${p.version}\0`);
  return hash.digest('hex').slice(0, 16);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

// Each dependency without its own node_modules/: the packages in there were found and placed one by one.
async function stageApp(ctx: string, packages: readonly AppPackage[]): Promise<void> {
  const app = join(ctx, 'app');
  await mkdir(join(app, 'node_modules', '.bin'), { recursive: true });
  await mkdir(join(ctx, 'deps'), { recursive: true });
  for (const part of APP_PARTS) {
    if (await exists(join(APP_ROOT, part))) await cp(join(APP_ROOT, part), join(app, part), { recursive: true, dereference: true });
  }
  for (const p of packages) {
    const nested = join(p.from, 'node_modules');
    await cp(p.from, join(ctx, 'deps', p.to), { recursive: true, dereference: true, filter: (source) => source !== nested });
  }
}

async function stageTools(ctx: string): Promise<void> {
  const tools = await runnerTools();
  for (const [inImage, onHost] of tools.files) {
    await mkdir(dirname(join(ctx, 'tools', inImage)), { recursive: true });
    await cp(onHost, join(ctx, 'tools', inImage), { dereference: true });
  }
  for (const [link, target] of tools.links) {
    await mkdir(dirname(join(ctx, 'tools', link)), { recursive: true });
    await symlink(target, join(ctx, 'tools', link));
  }
}

export interface RunnerImage {
  ref: string;
  built: boolean;
  baseRef: string;
}

/**
 * coldlab:<version>: the base image the container runtime builds from the host's Node (no registry),
 * plus this checkout's (or installed package's) dist/, runners/, fixtures/, scenarios/, production dependencies and a few tools
 * the process runtime calls (a static busybox shell). Rebuilt only when that content changed, unless `force`.
 */
export async function buildRunnerImage(d: Docker, options: { force?: boolean; tag?: string } = {}): Promise<RunnerImage> {
  const ref = options.tag ?? runnerRef();
  const baseRef = await ensureBaseImage(d);
  const packages = await appPackages(APP_ROOT, IMAGE_APP);
  const hash = `${await contentHash(packages)}-${baseRef.split(':')[1] ?? ''}`;
  const existing = await d.getImage(ref).inspect().catch(() => undefined);
  if (!options.force && existing?.Config?.Labels?.[CONTENT_LABEL] === hash) return { ref, built: false, baseRef };
  await withContext(async (ctx) => {
    await stageApp(ctx, packages);
    await stageTools(ctx);
    const dockerfile = [
      `FROM ${baseRef}`,
      'COPY tools/ /',
      `COPY app/ ${IMAGE_APP}/`,
      'COPY deps/ /',
      `LABEL ${LABEL}=1 ${KIND_LABEL}=runner ${CONTENT_LABEL}="${hash}"`,
      'USER 0:0',
      `WORKDIR ${IMAGE_APP}`,
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      `ENTRYPOINT ["/usr/bin/node", "${IMAGE_APP}/bin/coldlab.mjs"]`,
      'CMD ["doctor"]',
    ];
    await writeFile(join(ctx, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
    await build(d, ctx, ref);
  });
  return { ref, built: true, baseRef };
}
