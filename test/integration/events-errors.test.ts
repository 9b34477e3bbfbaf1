import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

const FN = resolve('test/data/functions/slow-init.mjs');

// Lines are counted in this text: line 5 holds the events key under test.
const scenario = (events: string): string => `name: events-errors
function:
  path: ${FN}
events:
${events}
phases:
  - kind: events
    publish: { kind: burst, size: 2, every: 0s, count: 1 }
`;

async function run(text: string): Promise<{ code: number; err: string; written: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'coldlab-events-err-'));
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, text);
  const out = join(dir, 'out');
  const io = captureIO();
  const code = await main(['run', file, '--out', out], io);
  const written = await readdir(out).catch(() => []);
  await rm(dir, { recursive: true, force: true });
  return { code, err: io.stderr(), written };
}

describe('event phases refuse bad input before anything runs', () => {
  it('a stream name NATS cannot take is exit 2 with its line and a hint', async () => {
    const { code, err, written } = await run(scenario('  stream: "orders.v1"'));
    expect(code).toBe(2);
    expect(err).toMatch(/scenario\.yaml:5:\d+ events\.stream: "orders\.v1" is not a usable JetStream stream name/);
    expect(err).toContain('hint:');
    expect(written).toEqual([]);
  });

  it('a subject with a wildcard is exit 2 with its line', async () => {
    const { code, err } = await run(scenario('  subject: "orders.*"'));
    expect(code).toBe(2);
    expect(err).toMatch(/scenario\.yaml:5:\d+ events\.subject: "orders\.\*" is not a subject/);
  });

  it('a trace schedule whose file is missing is exit 2 at the publish key, like a trace phase', async () => {
    const { code, err } = await run(scenario('  onFailure: nak').replace('publish: { kind: burst, size: 2, every: 0s, count: 1 }', 'publish: { kind: trace, file: missing-trace.csv }'));
    expect(code).toBe(2);
    expect(err).toMatch(/scenario\.yaml:8:\d+ phases\[0\]\.publish\.file: the trace cannot be replayed/);
  });

  it('an unreachable server is exit 3 with a hint, and no variant ran', async () => {
    const { code, err } = await run(scenario('  url: nats://127.0.0.1:1'));
    expect(code).toBe(3);
    expect(err).toContain('cannot reach the NATS server at nats://127.0.0.1:1');
    expect(err).toMatch(/leave url out/);
  });
});
