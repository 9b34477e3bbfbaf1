import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { sleep } from '../../util/clock.js';
import { fetchWithin } from '../../util/timeout.js';
import { ownerAlive } from '../owner.js';
import { cacheDir } from './rootfs.js';

/** A real OCI registry (Debian's docker-registry) on 127.0.0.1, started for one run. */
export interface LoopbackRegistry {
  runId: string;
  /** host:port, e.g. 127.0.0.1:41234 (loopback registries are insecure-allowed by the engine). */
  address: string;
  dir: string;
  child: ChildProcess;
}

const REGISTRY_BIN = process.env.COLDLAB_REGISTRY_BIN ?? 'docker-registry';

function registriesDir(): string {
  return join(cacheDir(), 'registries');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(address: string): Promise<boolean> {
  try {
    const response = await fetchWithin(`http://${address}/v2/`, 500);
    return response.status === 200;
  } catch {
    return false;
  }
}

// A pid file per run lets `doctor --cleanup` stop registries left behind by a crashed coldlab.
export async function startRegistry(runId: string): Promise<LoopbackRegistry> {
  await mkdir(registriesDir(), { recursive: true });
  const dir = await mkdtemp(join(registriesDir(), `run-`));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = [
    'version: 0.1',
    'log: { level: error }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }, delete: { enabled: true } }`,
    `http: { addr: ${JSON.stringify(address)} }`,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), `${config}\n`);
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref();
  await writeFile(join(dir, 'pid'), `${child.pid ?? ''}\n${runId}\n${process.pid}\n`);
  const registry = { runId, address, dir, child };
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    if (await answers(address)) return registry;
    const failed = await Promise.race([spawnError, sleep(100).then(() => undefined)]);
    if (failed || child.exitCode !== null) {
      const tail = await readFile(join(dir, 'registry.log'), 'utf8').catch(() => '');
      await stopRegistry(registry);
      throw new ColdlabError('REGISTRY_START_FAILED', `the loopback registry (${REGISTRY_BIN}) did not start: ${failed?.message ?? tail.trim().split('\n').slice(-3).join(' | ')}`, 'install Debian\'s docker-registry package (in a coldlab clone, scripts/setup-docker.sh does)', EXIT.runtimeUnavailable);
    }
  }
  await stopRegistry(registry);
  throw new ColdlabError('REGISTRY_START_FAILED', `the loopback registry did not answer on ${address} within 15 s`, `see ${join(dir, 'registry.log')}`, EXIT.runtimeUnavailable);
}

export async function stopRegistry(registry: LoopbackRegistry): Promise<void> {
  if (registry.child.exitCode === null && registry.child.pid) {
    const gone = new Promise<void>((resolve) => registry.child.once('exit', () => resolve()));
    registry.child.kill('SIGKILL');
    await Promise.race([gone, sleep(2000)]);
  }
  await rm(registry.dir, { recursive: true, force: true });
}

/** Stops registries whose pid files remain (coldlab crashed); returns what it removed. */
export async function removeLeftoverRegistries(): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(registriesDir()).catch(() => []);
  for (const entry of entries) {
    const dir = join(registriesDir(), entry);
    const [pidText, runId, ownerText] = (await readFile(join(dir, 'pid'), 'utf8').catch(() => '')).split('\n');
    const pid = Number(pidText);
    if (ownerAlive(Number(ownerText))) continue;
    if (pid > 0 && (await isRegistryProcess(pid))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(`registry ${entry}${runId ? ` (run ${runId})` : ''}`);
  }
  return removed;
}

// Never signal a recycled pid that now belongs to something else.
async function isRegistryProcess(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('registry') && cmdline.includes(registriesDir());
}
