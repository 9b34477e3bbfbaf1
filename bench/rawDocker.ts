// The "raw" container baseline: what a user would write by hand with the Docker CLI — `docker run -d`,
// `docker port`, then poll the HTTP health route until it answers — given the very create options
// coldlab sends to the engine, so both start the same image with the same command, env, limits,
// security options and port publishing.
import type { ContainerCreateOptions } from 'dockerode';
import { execa } from 'execa';
import { nowUs, sleep } from '../src/util/clock.js';
import { fetchWithin } from '../src/util/timeout.js';

export interface RawStart {
  id: string;
  /** From spawning `docker run -d` until it printed the container id (create + start + CLI). */
  runMs: number;
  /** From spawning `docker run -d` until the health route answered 200. */
  totalMs: number;
}

const TOP_LEVEL = new Set(['Image', 'name', 'Env', 'User', 'ExposedPorts', 'Cmd', 'Labels', 'HostConfig']);
const HOST_CONFIG = new Set(['Memory', 'MemorySwap', 'NanoCpus', 'PidsLimit', 'CapDrop', 'SecurityOpt', 'ReadonlyRootfs', 'Tmpfs', 'PortBindings', 'AutoRemove', 'Runtime']);
/** The bootstrap's health route; every baseline polls it as coldlab does. */
export const HEALTH_PATH = '/__coldlab/health';
export const DEADLINE_MS = 30_000;

type Binding = { HostIp?: string; HostPort?: string };

function isBindings(value: unknown): value is Record<string, Binding[]> {
  return typeof value === 'object' && value !== null && Object.values(value).every((b) => Array.isArray(b));
}

function publishFlag(containerPort: string, b: Binding): string {
  if (b.HostIp) return `${b.HostIp}:${b.HostPort ?? ''}:${containerPort}`;
  return b.HostPort ? `${b.HostPort}:${containerPort}` : containerPort;
}

/** `docker run -d` arguments equivalent to coldlab's create options; throws on a field it does not translate, so the baseline never silently drifts. */
export function dockerRunArgs(o: ContainerCreateOptions): string[] {
  const h = o.HostConfig ?? {};
  const unknown = [...Object.keys(o).filter((k) => !TOP_LEVEL.has(k)), ...Object.keys(h).filter((k) => !HOST_CONFIG.has(k)).map((k) => `HostConfig.${k}`)];
  if (unknown.length > 0 || !o.Image) {
    throw new Error(`bench/rawDocker.ts cannot translate ${unknown.join(', ') || 'options without Image'} into docker run flags: teach dockerRunArgs() so the raw baseline matches coldlab's container`);
  }
  const args = ['run', '-d'];
  if (o.name) args.push('--name', o.name);
  for (const e of o.Env ?? []) args.push('-e', e);
  if (o.User) args.push('--user', o.User);
  for (const [k, v] of Object.entries(o.Labels ?? {})) args.push('--label', `${k}=${v}`);
  for (const port of Object.keys(o.ExposedPorts ?? {})) args.push('--expose', port);
  if (h.Memory !== undefined) args.push('--memory', String(h.Memory));
  if (h.MemorySwap !== undefined) args.push('--memory-swap', String(h.MemorySwap));
  if (h.NanoCpus !== undefined) args.push('--cpus', String(h.NanoCpus / 1e9));
  if (h.PidsLimit !== undefined) args.push('--pids-limit', String(h.PidsLimit));
  for (const cap of h.CapDrop ?? []) args.push('--cap-drop', cap);
  for (const opt of h.SecurityOpt ?? []) args.push('--security-opt', opt);
  if (h.ReadonlyRootfs) args.push('--read-only');
  for (const [dir, opts] of Object.entries(h.Tmpfs ?? {})) args.push('--tmpfs', opts ? `${dir}:${opts}` : dir);
  const bindings: unknown = h.PortBindings ?? {};
  if (!isBindings(bindings)) throw new Error('HostConfig.PortBindings is not a port → bindings map');
  for (const [port, list] of Object.entries(bindings)) for (const b of list) args.push('-p', publishFlag(port, b));
  if (h.AutoRemove) args.push('--rm');
  if (h.Runtime) args.push('--runtime', h.Runtime);
  return [...args, o.Image, ...(o.Cmd ?? [])];
}

/** The engine's default OCI runtime as the Docker CLI sees it; undefined when the CLI is missing or no engine answers. */
export async function cliDefaultOciRuntime(): Promise<string | undefined> {
  const result = await execa('docker', ['info', '--format', '{{.DefaultRuntime}}'], { reject: false, timeout: 10_000 });
  return result.exitCode === 0 ? result.stdout.trim() || 'default' : undefined;
}

/** One health try with a 300 ms per-try timeout (as coldlab's): true once the route answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetchWithin(url, 300);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false; // docker-proxy accepts before the server listens: reset, or not listening yet
  }
}

/** The options with the container port published on a host port chosen beforehand (`-p 127.0.0.1:PORT:…`), as a script that knows its port writes them. */
export function withHostPort(options: ContainerCreateOptions, containerPort: number, hostPort: number): ContainerCreateOptions {
  return { ...options, HostConfig: { ...options.HostConfig, PortBindings: { [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } } };
}

/**
 * One raw cold start: `docker run -d`, then GET the health route every 5 ms (as coldlab polls) until 200.
 * With `knownPort` the options publish on that port and no `docker port` call is needed; without it the
 * engine picks the port and `docker port` asks which.
 */
export async function rawColdStart(options: ContainerCreateOptions, containerPort: number, signal?: AbortSignal, knownPort?: number): Promise<RawStart> {
  const cancel = signal ? { cancelSignal: signal } : {};
  const started = nowUs();
  const run = await execa('docker', dockerRunArgs(knownPort === undefined ? options : withHostPort(options, containerPort, knownPort)), cancel);
  const id = run.stdout.trim();
  const runMs = (nowUs() - started) / 1000;
  const address = knownPort === undefined ? (await execa('docker', ['port', id, `${containerPort}/tcp`], cancel)).stdout.split('\n')[0]?.trim() : `127.0.0.1:${knownPort}`;
  if (!address) throw new Error(`docker port published nothing for ${containerPort}/tcp of ${id}`);
  const url = `http://${address.replace(/^0\.0\.0\.0:/, '127.0.0.1:')}${HEALTH_PATH}`;
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await answers(url))) {
    if (signal?.aborted) throw new Error('raw container start interrupted');
    if (Date.now() > deadline) {
      const logs = await execa('docker', ['logs', '--tail', '8', id], { reject: false, all: true });
      throw new Error(`raw container ${id.slice(0, 12)} did not answer ${url} within ${DEADLINE_MS / 1000} s; last log lines: ${logs.all?.trim() || '(none)'}`);
    }
    await sleep(5, signal);
  }
  return { id, runMs, totalMs: (nowUs() - started) / 1000 };
}

/** `docker rm -f -v` by name or id; names that never became containers are fine. */
export async function removeRaw(refs: Iterable<string>): Promise<void> {
  const list = [...refs];
  if (list.length === 0) return;
  const result = await execa('docker', ['rm', '-f', '-v', ...list], { reject: false, all: true });
  const failures = (result.all ?? '').split('\n').filter((l) => /error/i.test(l) && !/no such container/i.test(l));
  if (failures.length > 0) console.error(`bench: could not remove raw containers: ${failures.join('; ')}`);
}
