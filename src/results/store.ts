import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SCHEMA_VERSION, type RunResult } from './model.js';
import { ColdlabError, EXIT, errorMessage } from '../util/errors.js';

/**
 * Writes results so that a reader (a report, a CI job, Ctrl-C mid-write) sees the old file or the new one,
 * never half of one.
 */
export async function writeResultsAtomic(file: string, result: RunResult): Promise<void> {
  // Serialise first: a result that cannot be written must not cost the previous file.
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
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

export async function readResults(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new ColdlabError(
      'RESULTS_UNREADABLE',
      missing ? `results file not found: ${file}` : `cannot read results file ${file}: ${errorMessage(error)}`,
      missing
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
  checkVersion(file, parsed);
  if (!isRunResult(parsed)) {
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} is not a coldlab results file: ${shapeProblem(parsed) ?? 'unexpected shape'}`,
      'pass the results.json written by `coldlab run` or `coldlab merge`',
      EXIT.usage,
    );
  }
  return parsed;
}

// A newer file read by an older coldlab would be misread silently, so the version is checked before anything else.
function checkVersion(file: string, parsed: unknown): void {
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
  if (version < SCHEMA_VERSION) {
    throw new ColdlabError(
      'RESULTS_SCHEMA',
      `${file} uses results schema version ${version}; this coldlab reads version ${SCHEMA_VERSION}`,
      'read it with the coldlab version that wrote it, or re-run the scenario with this version',
      EXIT.usage,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Names the first missing piece a report would trip over, so the message says what is wrong, not just "invalid".
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (!isObject(value['tool']) || value['tool']['name'] !== 'coldlab') return 'tool.name is not "coldlab"';
  if (typeof value['runId'] !== 'string') return 'runId is missing';
  if (!isObject(value['scenario']) || typeof value['scenario']['name'] !== 'string') return 'scenario.name is missing';
  if (typeof value['startedAt'] !== 'string') return 'startedAt is missing';
  if (typeof value['complete'] !== 'boolean') return 'complete is missing';
  if (!isObject(value['host'])) return 'host is missing';
  const variants = value['variants'];
  if (!Array.isArray(variants)) return 'variants is not a list';
  for (const [i, v] of variants.entries()) {
    if (!isObject(v)) return `variants[${i}] is not an object`;
    if (!isObject(v['variant']) || typeof v['variant']['key'] !== 'string') return `variants[${i}].variant.key is missing`;
    if (v['status'] !== 'completed' && v['status'] !== 'invalid' && v['status'] !== 'failed') return `variants[${i}].status is unknown`;
    if (!Array.isArray(v['phases']) || !Array.isArray(v['instances']) || !Array.isArray(v['notes'])) return `variants[${i}] lacks phases, instances or notes`;
  }
  return undefined;
}

// The type guard that lets a checked JSON value be used as a RunResult without a cast.
function isRunResult(value: unknown): value is RunResult {
  return shapeProblem(value) === undefined;
}
