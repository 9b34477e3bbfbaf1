import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Docker } from '../runtimes/container/docker.js';
import { KIND_LABEL, LABEL } from '../runtimes/container/docker.js';
import { build, ensureBaseImage, withContext } from '../runtimes/container/images.js';
import { hashFolder } from '../runtimes/container/rootfs.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { runnerTools } from './tools.js';

/** The coldlab checkout this code runs from (dist/cluster/ → ../..). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where coldlab lives inside the runner image. */
export const IMAGE_APP = '/opt/coldlab/app';
export const CONTENT_LABEL = 'coldlab.content';
const APP_PARTS = ['package.json', 'package-lock.json', 'bin', 'dist', 'runners', 'fixtures', 'scenarios'];

export const runnerRef = (version = VERSION): string => `coldlab:${version}`;

// The image's content is this checkout's: a rebuilt dist/ or a new lock file makes a new image under the same tag.
async function contentHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const part of APP_PARTS) {
    if (part.endsWith('.json')) hash.update(await readFile(join(APP_ROOT, part)));
    else hash.update(await hashFolder(join(APP_ROOT, part)).catch(() => 'absent'));
  }
  return hash.digest('hex').slice(0, 16);
}

// The production dependencies only, as npm resolved them in node_modules (no registry needed).
async function productionPackages(): Promise<string[]> {
  const { stdout } = await execa('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: APP_ROOT, reject: false });
  const names = new Set<string>();
  for (const line of stdout.split('\n').slice(1)) {
    const rest = line.split('/node_modules/')[1];
    if (!rest) continue;
    const [first, second] = rest.split('/');
    names.add(first?.startsWith('@') ? `${first}/${second}` : first ?? '');
  }
  names.delete('');
  if (names.size === 0) throw new ColdlabError('IMAGE_NO_DEPENDENCIES', 'npm ls found no production dependencies in node_modules', 'run `npm ci` in the coldlab folder first', EXIT.usage);
  return [...names].sort();
}

async function stageApp(ctx: string): Promise<void> {
  const app = join(ctx, 'app');
  await mkdir(join(app, 'node_modules'), { recursive: true });
  for (const part of APP_PARTS) await cp(join(APP_ROOT, part), join(app, part), { recursive: true, dereference: true });
  for (const name of await productionPackages()) {
    await cp(join(APP_ROOT, 'node_modules', name), join(app, 'node_modules', name), { recursive: true, dereference: true });
  }
  await mkdir(join(app, 'node_modules', '.bin'), { recursive: true });
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
 * plus this checkout's dist/, runners/, fixtures/, scenarios/, production node_modules and a few tools
 * the process runtime calls (a static busybox shell). Rebuilt only when that content changed, unless `force`.
 */
export async function buildRunnerImage(d: Docker, options: { force?: boolean; tag?: string } = {}): Promise<RunnerImage> {
  const ref = options.tag ?? runnerRef();
  const baseRef = await ensureBaseImage(d);
  const hash = `${await contentHash()}-${baseRef.split(':')[1] ?? ''}`;
  const existing = await d.getImage(ref).inspect().catch(() => undefined);
  if (!options.force && existing?.Config?.Labels?.[CONTENT_LABEL] === hash) return { ref, built: false, baseRef };
  await withContext(async (ctx) => {
    await stageApp(ctx);
    await stageTools(ctx);
    const dockerfile = [
      `FROM ${baseRef}`,
      'COPY tools/ /',
      `COPY app/ ${IMAGE_APP}/`,
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
