import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ColdlabError, EXIT } from '../util/errors.js';

const kindOf = (path: string): 'file' | 'folder' | 'other' | undefined => {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other';
};

// Every missing folder on the way is created later; the first one that exists must be a folder.
function checkParents(path: string, option: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const kind = kindOf(dir);
    if (kind === 'folder') return;
    if (kind !== undefined) throw new ColdlabError('OUTPUT_PATH', `${option} ${path}: ${dir} is a file, not a folder`, `pick a path under a folder, e.g. ${option} reports`, EXIT.usage);
    if (dirname(dir) === dir) return;
  }
}

/** A folder coldlab will create or write into (run -o, report -o): refused before anything starts when it cannot be one. */
export function checkFolderTarget(path: string, option: string): void {
  const kind = kindOf(path);
  if (kind === 'folder') return;
  if (kind !== undefined) {
    throw new ColdlabError('OUTPUT_PATH', `${option} ${path} is an existing file, but a folder is expected here`, `name a folder (it is created if missing), e.g. ${option} reports`, EXIT.usage);
  }
  checkParents(path, option);
}

/** A file coldlab will write (merge -o): refused when a folder stands in its place. */
export function checkFileTarget(path: string, option: string): void {
  const kind = kindOf(path);
  if (kind === 'folder') {
    throw new ColdlabError('OUTPUT_PATH', `${option} ${path} is a folder, but a file is expected here`, `name the file to write, e.g. ${option} ${path.replace(/\/+$/, '')}/merged.json`, EXIT.usage);
  }
  if (kind === 'other') throw new ColdlabError('OUTPUT_PATH', `${option} ${path} is not a regular file`, 'name a regular file to write, e.g. merged.json', EXIT.usage);
  checkParents(path, option);
}
