import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ownerAlive } from '../runtimes/owner.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { withTimeout } from '../util/timeout.js';
import { deathSignalPrefix, freePort } from '../util/processes.js';

export const NATS_BINARY = 'nats-server';
const INSTALL_HINT = 'install Debian\'s nats-server (as root: apt-get install nats-server; scripts/setup-nats.sh does it), or give events: { url: nats://host:port } of a server with JetStream';
const READY_TIMEOUT_MS = 15_000;

/** Store folders of the servers coldlab starts: <tmp>/coldlab-nats/p<owner pid>-<run id>. */
export const storeRoot = (): string => join(tmpdir(), 'coldlab-nats');
const serverName = (runId: string): string => `coldlab-p${process.pid}-${runId}`;
const ownerOf = (name: string): number => Number(/^(?:coldlab-)?p(\d+)-/.exec(name)?.[1] ?? 0);

/** The installed nats-server's version ("2.9.10"), or why there is none: what `coldlab doctor` shows. */
export async function probeNatsServer(): Promise<{ usable: true; version: string } | { usable: false; reason: string; fix: string }> {
  try {
    const { stdout } = await execa(NATS_BINARY, ['--version'], { timeout: 5_000 });
    return { usable: true, version: /v?(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? stdout.trim() };
  } catch {
    return { usable: false, reason: 'nats-server is not installed (event phases start one when the scenario names no server)', fix: INSTALL_HINT };
  }
}

export interface OwnServer {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** Starts nats-server with JetStream on 127.0.0.1 (a free port, a fresh store folder) for one run; stop() removes both. */
export async function startNatsServer(runId: string): Promise<OwnServer> {
  const probe = await probeNatsServer();
  if (!probe.usable) throw new ColdlabError('NATS_SERVER_MISSING', probe.reason, probe.fix, EXIT.runtimeUnavailable);
  const dir = join(storeRoot(), `p${process.pid}-${runId}`);
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir, '--server_name', serverName(runId)];
  const child = spawn('/bin/sh', ['-c', 'exec "$@"', 'sh', ...(await deathSignalPrefix()), NATS_BINARY, ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-8_192);
      if (log.includes('Server is ready')) resolve();
    });
    child.once('exit', (code) => reject(new ColdlabError('NATS_SERVER_FAILED', `nats-server exited (code ${code}) before it was ready: ${log.split('\n').filter(Boolean).slice(-3).join(' | ')}`, `run it by hand to see why: ${NATS_BINARY} ${args.join(' ')}`, EXIT.runtimeUnavailable)));
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await withTimeout(ready, READY_TIMEOUT_MS, undefined, () => new ColdlabError('NATS_SERVER_TIMEOUT', `nats-server did not say it was ready within ${READY_TIMEOUT_MS / 1000} s`, 'look at `coldlab doctor`; a busy host may need a second try', EXIT.runtimeUnavailable));
  } catch (error) {
    await stop();
    throw error;
  }
  // The server logs on; nobody reads it after the start.
  child.stderr?.removeAllListeners('data').resume();
  return { url: `nats://127.0.0.1:${port}`, version: probe.version, stop };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Kills nats-servers and removes store folders of coldlabs that are gone (a crash, kill -9); a live run's stay. */
export async function removeLeftoverServers(): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!(argv[0] ?? '').endsWith(NATS_BINARY)) continue;
    const name = argv[argv.indexOf('--server_name') + 1] ?? '';
    if (!argv.includes('--server_name') || !name.startsWith('coldlab-p') || ownerAlive(ownerOf(name))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      removed.push(`nats-server ${name} (pid ${entry})`);
    } catch {
      // exited meanwhile
    }
  }
  for (const entry of await readdir(storeRoot()).catch(() => [])) {
    if (ownerAlive(ownerOf(entry))) continue;
    await rm(join(storeRoot(), entry), { recursive: true, force: true });
    removed.push(`nats store ${join(storeRoot(), entry)}`);
  }
  return removed;
}
