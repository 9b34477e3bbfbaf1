import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeRoot } from '../../src/events/server.js';
import { waitFor } from '../helpers/wait.js';

// Real CLI, real signals: Ctrl-C, or a kill -9, of a run with event phases leaves no nats-server and no store folder.
async function natsServersOf(owner: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if ((argv[0] ?? '').endsWith('nats-server') && argv.some((a) => a.startsWith(`coldlab-p${owner}-`))) pids.push(Number(entry));
  }
  return pids;
}
const storeDirsOf = async (owner: number): Promise<string[]> => (await readdir(storeRoot()).catch(() => [])).filter((d) => d.startsWith(`p${owner}-`));

// A function that leaves a marker at its first call, so the signal comes once messages flow.
async function scenario(dir: string): Promise<{ file: string; served: string }> {
  const served = join(dir, 'served');
  await writeFile(join(dir, 'fn.mjs'), "import { writeFileSync } from 'node:fs';\nexport const handler = () => { writeFileSync(process.env.SERVED_MARKER, ''); return 'ok'; };\n");
  const file = join(dir, 'events.yaml');
  await writeFile(
    file,
    `name: events-interrupt\nfunction:\n  path: ${join(dir, 'fn.mjs')}\n  env: { SERVED_MARKER: ${JSON.stringify(served)} }\nmatrix:\n  memoryMb: 1024\nphases:\n  - kind: events\n    publish: { kind: constant, rate: 20, duration: 30s }\n`,
  );
  return { file, served };
}

describe('interrupting a run with event phases', () => {
  it('Ctrl-C stops its nats-server and removes the store; kill -9 takes the server down with coldlab', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldlab-events-int-'));
    const { file, served } = await scenario(dir);
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      await rm(served, { force: true });
      const child = execa('node', ['bin/coldlab.mjs', 'run', file, '--out', join(dir, 'runs'), '--quiet'], { reject: false });
      const owner = child.pid ?? 0;
      await waitFor(() => access(served).then(() => true, () => undefined), 40_000);
      expect(await natsServersOf(owner)).toHaveLength(1);
      child.kill(signal);
      const done = await child;
      if (signal === 'SIGINT') {
        expect(done.exitCode).toBe(130);
        expect(await natsServersOf(owner)).toEqual([]);
        expect(await storeDirsOf(owner)).toEqual([]);
      } else {
        // setpriv's parent-death signal: the kernel kills the server with coldlab.
        await waitFor(async () => ((await natsServersOf(owner)).length === 0 ? true : undefined), 10_000);
        // Its store folder is a leftover for `doctor --cleanup` (the next run's sweep, or by hand).
        const { removeLeftoverServers } = await import('../../src/events/server.js');
        await removeLeftoverServers();
        expect(await storeDirsOf(owner)).toEqual([]);
      }
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
