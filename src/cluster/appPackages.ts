import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { ColdlabError, EXIT } from '../util/errors.js';

/** A production dependency to copy into the runner image: from where Node found it to where Node will find it there. */
export interface AppPackage {
  name: string;
  version: string;
  from: string;
  /** Absolute path inside the image. */
  to: string;
}

interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The node_modules folders Node searches from `dir`, nearest first (as `module.paths` lists them). */
export function lookupDirs(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (basename(d) !== 'node_modules') found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

const readManifest = async (dir: string): Promise<Manifest> => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
const isPackage = (dir: string): Promise<boolean> => stat(join(dir, 'package.json')).then(() => true, () => false);

async function findPackage(from: string, name: string): Promise<string | undefined> {
  for (const modules of lookupDirs(from)) {
    const dir = join(modules, name);
    if (await isPackage(dir)) return dir;
  }
  return undefined;
}

/**
 * coldlab's production dependencies, found the way Node finds them from `appRoot` (no npm, no lock file:
 * an installed coldlab has neither, and its dependencies sit hoisted in the project's node_modules).
 * Each keeps its place relative to the lookup chain: a package in the n-th node_modules folder above the
 * app lands in the n-th one above the app's folder in the image, so every package resolves as it does here.
 */
export async function appPackages(appRoot: string, imageApp: string): Promise<AppPackage[]> {
  const hostChain = lookupDirs(appRoot);
  const imageChain = lookupDirs(imageApp);
  const place = (dir: string): string => {
    const level = hostChain.findIndex((modules) => dir.startsWith(`${modules}${sep}`));
    const source = hostChain[level];
    const target = imageChain[level];
    if (source === undefined || target === undefined) throw new ColdlabError('IMAGE_DEPENDENCY_PLACE', `${dir} is outside the folders Node searches from ${appRoot} that the image can mirror`, 'install coldlab in a project folder (npm install coldlab) or run `npm ci` in a coldlab clone', EXIT.usage);
    return join(target, dir.slice(source.length + 1));
  };
  const found = new Map<string, AppPackage>();
  const queue: Array<[string, Manifest]> = [[appRoot, await readManifest(appRoot)]];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [dir, manifest] = next;
    const optional = new Set([...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...optional]) {
      const at = await findPackage(dir, name);
      if (at === undefined) {
        if (optional.has(name)) continue;
        throw new ColdlabError('IMAGE_NO_DEPENDENCIES', `${name}, which ${dir === appRoot ? 'coldlab' : dir} needs, is not installed where Node looks from ${dir}`, 'run `npm ci` in the coldlab folder (or `npm install` in the project that installed coldlab) first', EXIT.usage);
      }
      if (found.has(at)) continue;
      const own = await readManifest(at);
      found.set(at, { name, version: own.version ?? '?', from: at, to: place(at) });
      queue.push([at, own]);
    }
  }
  return [...found.values()].sort((a, b) => a.to.localeCompare(b.to));
}
