import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { gvisorFacts } from '../../src/runtimes/container/gvisor.js';

describe("gVisor's platform and network, read from the engine's runsc arguments", () => {
  it('takes --flag=value and --flag value, the last one winning; runsc defaults are ptrace and its own netstack', () => {
    expect(gvisorFacts({ runtimeArgs: ['--platform=ptrace', '--network=host'] }).facts).toEqual({ sandbox: 'gvisor', 'gvisor.platform': 'ptrace', 'gvisor.network': 'host' });
    expect(gvisorFacts({ runtimeArgs: ['--platform', 'kvm', '--platform=ptrace'] }).facts['gvisor.platform']).toBe('ptrace');
    expect(gvisorFacts({}).facts).toMatchObject({ 'gvisor.platform': 'ptrace', 'gvisor.network': 'sandbox' });
    expect(gvisorFacts({ runtimeArgs: ['--network=host'] }).notes.join(' ')).toContain('host kernel');
  });
});

describe('scripts/docker-runtimes.mjs (what setup-docker.sh writes into dockerd\'s config file)', () => {
  it('adds crun and runsc beside what the file holds, and writes nothing the second time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldlab-dcfg-'));
    try {
      const file = join(dir, 'daemon.json');
      await writeFile(file, JSON.stringify({ 'log-level': 'warn', runtimes: { other: { path: '/bin/other' } } }));
      const run = () => execa('node', [resolve('scripts/docker-runtimes.mjs'), file, '/usr/bin/crun', '/usr/bin/runsc', 'ptrace']);
      expect((await run()).stdout).toBe('changed');
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        'log-level': 'warn',
        runtimes: {
          other: { path: '/bin/other' },
          crun: { path: '/usr/bin/crun' },
          runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--platform=ptrace', '--network=host'] },
        },
      });
      expect((await run()).stdout).toBe('same');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
