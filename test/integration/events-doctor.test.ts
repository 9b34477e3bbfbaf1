import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeEventLeftovers } from '../../src/events/leftovers.js';
import { probeNatsServer } from '../../src/events/server.js';
import { openEventBus, type EventBus } from '../../src/events/bus.js';
import { ownerAlive } from '../../src/runtimes/owner.js';

// What `doctor` shows for nats-server, and what `doctor --cleanup --nats-url` removes: streams a coldlab that is
// gone left on a server, never a live one's nor the user's own. Called directly: the whole doctor --cleanup also
// sweeps every runtime's leftovers, which on a shared host is not this test's business.
let bus: EventBus;
let dead = 4_000_000;

beforeAll(async () => {
  bus = await openEventBus({}, `doctor-${process.pid}`);
  while (ownerAlive(dead)) dead++;
});

afterAll(async () => {
  await bus?.close();
});

const streams = async (): Promise<string[]> => {
  const all: string[] = [];
  for await (const name of bus.jsm.streams.names()) all.push(name);
  return all;
};

describe('coldlab doctor and event leftovers', () => {
  it('finds nats-server and removes only a dead coldlab\'s streams', async () => {
    expect(await probeNatsServer()).toMatchObject({ usable: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown });
    await bus.jsm.streams.add({ name: `COLDLAB-p${dead}-old-run-v0`, subjects: [`old.p${dead}.v0`] });
    await bus.jsm.streams.add({ name: `COLDLAB-p${process.pid}-live-run-v0`, subjects: [`live.p${process.pid}.v0`] });
    await bus.jsm.streams.add({ name: 'USERS', subjects: ['users.>'] });
    const removed = await removeEventLeftovers(bus.url);
    expect(removed).toContain(`stream COLDLAB-p${dead}-old-run-v0 on ${bus.url}`);
    expect((await streams()).sort()).toEqual([`COLDLAB-p${process.pid}-live-run-v0`, 'USERS']);
  });
});
