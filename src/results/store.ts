import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SCHEMA_VERSION, type RunResult } from './model.js';
import { OLDEST_READABLE_VERSION, upgradeResults } from './upgrade.js';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';
import { checkResults } from './schema.js';

/**
 * Writes results so that a reader (a report, a CI job, Ctrl-C mid-write) sees the old file or the new one,
 * never half of one.
 */
export async function writeResultsAtomic(file: string, result: RunResult): Promise<void> {
  // JSON would turn NaN into null, a file no reader accepts: refuse it here, before the previous file is touched.
  const bad = firstNonFinite(result);
  if (bad !== undefined) throw new ColdlabError('RESULTS_NOT_FINITE', `results hold a number JSON cannot carry at ${bad}`, 'this is a bug in coldlab: re-run with --verbose and report it', EXIT.internal);
  // Serialise first: a result that cannot be written must not cost the previous file.
  await writeFileAtomic(file, `${serialise(result)}\n`);
}

// Indented for people while small; past this, one line: a long run's per-second timeline indented is
// mostly whitespace (a 35-minute soak: 1.85 MB indented, ~1.2 MB without), and `jq .` indents on demand.
const INDENT_UP_TO_BYTES = 512 * 1024;

function serialise(result: RunResult): string {
  const compact = JSON.stringify(result);
  return compact.length > INDENT_UP_TO_BYTES / 2 ? compact : JSON.stringify(result, null, 2);
}

/** Temp file in the same directory (rename is atomic only within one file system), fsync, rename. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

// The rename itself lives in the directory entry; without this a power cut can still lose it.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the data itself is already on disk.
  }
}

/** Results files are written by coldlab; a file beyond this is not one of them (and would not fit in memory twice). */
export const RESULTS_FILE_MAX_BYTES = 256 * 1024 * 1024;

export async function readResults(file: string): Promise<RunResult> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > RESULTS_FILE_MAX_BYTES) {
      throw new ColdlabError('RESULTS_TOO_LARGE', `${file} is ${size.toLocaleString('en-US')} bytes, more than the limit of 256 MiB for a results file`, 'pass the results.json written by `coldlab run` or `coldlab merge`', EXIT.usage);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ColdlabError) throw error;
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    throw new ColdlabError(
      'RESULTS_UNREADABLE',
      code === 'ENOENT' ? `results file not found: ${file}` : code === 'EISDIR' ? `${file} is a folder, not a results file` : `cannot read results file ${file}: ${errorMessage(error)}`,
      code === 'ENOENT' || code === 'EISDIR'
        ? 'pass the results.json written by `coldlab run` (it sits in <output>/<run id>/)'
        : 'check the path and its permissions',
      EXIT.usage,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ColdlabError(
      'RESULTS_UNREADABLE',
      `${file} is not valid JSON: ${errorMessage(error)}`,
      'coldlab writes results atomically, so this file was not written by coldlab or was edited by hand; re-run `coldlab run`',
      EXIT.usage,
      { cause: error },
    );
  }
  const version = checkVersion(file, parsed);
  if (isObject(parsed)) parsed = upgradeResults(parsed, version);
  const checked = checkResults(parsed);
  if (!checked.ok) {
    const more = checked.total > checked.problems.length ? `\n  … and ${checked.total - checked.problems.length} more` : '';
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} is not a valid coldlab results file:\n${checked.problems.map((p) => `  ${p}`).join('\n')}${more}`,
      'pass the results.json written by `coldlab run` or `coldlab merge`; a file edited by hand can be restored by re-running the scenario',
      EXIT.usage,
    );
  }
  return checked.result;
}

// A newer file read by an older coldlab would be misread silently, so the version is checked before anything else.
function checkVersion(file: string, parsed: unknown): number {
  const version = isObject(parsed) ? parsed['schemaVersion'] : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} has no schemaVersion: it is not a coldlab results file`,
      'pass the results.json written by `coldlab run` or `coldlab merge`',
      EXIT.usage,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} uses results schema version ${version}, newer than this coldlab understands (${SCHEMA_VERSION})`,
      'upgrade coldlab to the version that wrote this file (npm install -g coldlab@latest)',
      EXIT.usage,
    );
  }
  if (version < OLDEST_READABLE_VERSION) {
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} uses results schema version ${version}; this coldlab reads versions ${OLDEST_READABLE_VERSION} to ${SCHEMA_VERSION}`,
      'read it with the coldlab version that wrote it, or re-run the scenario with this version',
      EXIT.usage,
    );
  }
  return version;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of the first number JSON cannot hold (NaN, ±Infinity would be written as null), or undefined. */
export function firstNonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(the value)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = firstNonFinite(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}
