import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Bundle, unpackBundle } from './bundle.js';
import { APP_ROOT } from './image.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/** What a task is told through its environment (a swarm slot comes from the `{{.Task.Slot}}` template). */
export const TASK_ENV = {
  collector: 'COLDLAB_COLLECTOR',
  token: 'COLDLAB_COLLECTOR_TOKEN',
  slot: 'COLDLAB_TASK_SLOT',
  slotBase: 'COLDLAB_SLOT_BASE',
  shards: 'COLDLAB_SHARDS',
  /** `{{.Node.ID}}`: swarm renders `{{.Task.Slot}}` of slot 0 as the node's id (a slot of 0 means "global" to its templates). */
  nodeId: 'COLDLAB_NODE_ID',
  bundleFile: 'COLDLAB_BUNDLE_FILE',
  resultsDir: 'COLDLAB_RESULTS_DIR',
  /** Set by Kubernetes in every pod of an Indexed Job: 0..completions−1. */
  k8sIndex: 'JOB_COMPLETION_INDEX',
} as const;

/** Where a task gets the scenario's files and leaves what it measured: a collector over HTTP (swarm) or files on volumes (Kubernetes). */
export type TaskLink = { kind: 'collector'; url: string; token: string } | { kind: 'files'; bundleFile: string; resultsDir: string };

export interface TaskSpec {
  link: TaskLink;
  /** 1-based shard index: the slot (or completion index), counted from the first one. */
  shard: number;
  shards: number;
}

export function taskSpec(env: NodeJS.ProcessEnv): TaskSpec {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new ColdlabError('TASK_ENV', `${name} is not set: this command runs inside a task that coldlab started`, 'use `coldlab swarm run` or `coldlab k8s manifest`', EXIT.usage);
    return value;
  };
  const given = env[TASK_ENV.slot] ?? need(TASK_ENV.k8sIndex);
  const slot = env[TASK_ENV.nodeId] !== undefined && given === env[TASK_ENV.nodeId] ? '0' : given;
  const shard = Number(slot) - Number(env[TASK_ENV.slotBase] ?? '0') + 1;
  const shards = Number(need(TASK_ENV.shards));
  if (!Number.isInteger(shard) || !Number.isInteger(shards) || shard < 1 || shard > shards) {
    throw new ColdlabError('TASK_SLOT', `slot ${slot} gives shard ${shard}, outside 1..${shards}`, 'the job\'s slots must run from COLDLAB_SLOT_BASE', EXIT.usage);
  }
  const link: TaskLink = env[TASK_ENV.bundleFile]
    ? { kind: 'files', bundleFile: need(TASK_ENV.bundleFile), resultsDir: need(TASK_ENV.resultsDir) }
    : { kind: 'collector', url: need(TASK_ENV.collector), token: need(TASK_ENV.token) };
  return { link, shard, shards };
}

async function call(link: Extract<TaskLink, { kind: 'collector' }>, method: 'GET' | 'POST', path: string, body?: string): Promise<Response> {
  const response = await fetch(`${link.url}${path}`, { method, headers: { authorization: `Bearer ${link.token}` }, ...(body === undefined ? {} : { body }) });
  if (!response.ok) throw new Error(`${method} ${path}: the collector answered ${response.status} ${await response.text()}`);
  return response;
}

async function fetchBundle(link: TaskLink): Promise<Bundle> {
  if (link.kind === 'files') return JSON.parse(await readFile(link.bundleFile, 'utf8')) as Bundle;
  return (await (await call(link, 'GET', '/bundle')).json()) as Bundle;
}

// Kubernetes shards write shard-<i>/ under the results volume; `coldlab k8s collect` reads them back.
async function deliver(spec: TaskSpec, what: 'results' | 'failure' | 'progress', text: string): Promise<void> {
  if (spec.link.kind === 'collector') {
    await call(spec.link, 'POST', `/shard/${spec.shard}/${what}`, text);
    return;
  }
  if (what === 'progress') return;
  const dir = join(spec.link.resultsDir, `shard-${spec.shard}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, what === 'results' ? 'results.json' : 'failure.txt'), text);
}

// The run goes as a child: its own Ctrl-C handling stops every instance when the task is stopped.
function runShard(spec: TaskSpec, scenario: string, out: string, onLine: (line: string) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [join(APP_ROOT, 'bin/coldlab.mjs'), 'run', scenario, '--shard', `${spec.shard}/${spec.shards}`, '-o', out], { stdio: ['ignore', 'inherit', 'pipe'] });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.once('SIGTERM', forward('SIGTERM'));
  process.once('SIGINT', forward('SIGINT'));
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    process.stderr.write(`${line}\n`);
    stderr = `${stderr}${line}\n`.slice(-8192);
    onLine(line);
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
}

async function resultsFile(out: string): Promise<string | undefined> {
  for (const dir of await readdir(out).catch(() => [])) {
    const file = join(out, dir, 'results.json');
    if (await readFile(file).then(() => true, () => false)) return file;
  }
  return undefined;
}

/** Runs this task's shard and sends its results (or its failure) home; the exit code says whether the shard finished. */
export async function runTask(spec: TaskSpec, log: (text: string) => void): Promise<number> {
  const bundle = await fetchBundle(spec.link);
  await unpackBundle(bundle);
  log(`coldlab shard-task: shard ${spec.shard}/${spec.shards} of ${bundle.scenario}\n`);
  const out = await mkdtemp(join(tmpdir(), 'coldlab-shard-'));
  const run = await runShard(spec, bundle.scenario, out, (line) => {
    if (line.startsWith('▶ ')) deliver(spec, 'progress', line.slice(2)).catch(() => undefined);
  });
  const file = await resultsFile(out);
  const text = file ? await readFile(file, 'utf8') : undefined;
  if (text) await deliver(spec, 'results', text);
  const complete = text !== undefined && (JSON.parse(text) as { complete?: boolean }).complete === true;
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
  if (!complete || ![0, EXIT.internal, EXIT.runInvalid, EXIT.gateFailed].includes(run.code ?? -1)) {
    const tail = run.stderr.trim().split('\n').slice(-12).join('\n');
    await deliver(spec, 'failure', `coldlab run ${how}${text ? ' before finishing' : ' without results'}${tail ? `:\n${tail}` : ''}`);
  }
  // A shard whose failure was delivered ends its task normally: a failed task can stall a job whose
  // MaxConcurrent is below its size (swarm starts no later slot after it), and the cause is already home.
  return EXIT.ok;
}
