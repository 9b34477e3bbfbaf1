import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import type { Variant } from '../../src/scenario/variant.js';
import { getRuntime } from '../../src/runtimes/registry.js';
import type { Runtime } from '../../src/runtimes/types.js';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import { openEventBus, type EventBus } from '../../src/events/bus.js';
import { startNatsServer, type OwnServer } from '../../src/events/server.js';
import { EventsSession } from '../../src/events/session.js';
import { Timeline } from '../../src/results/timeline.js';
import { nowUs } from '../../src/util/clock.js';

// A function that fails every 5th call on an instance: with onFailure nak the stream delivers the failed messages
// again until they succeed; with term the trigger gives up on them, and the audit counts them terminated, not lost.
// Real nats-server (reached by url, as with `events: { url }`), real process instances.
const RUN_ID = `failures-${process.pid}`;
const yaml = `name: failures
function:
  path: ../../../fixtures/functions/failing.mjs
runtimes: [process]
matrix:
  memoryMb: 1024
  maxInstances: 2
  ackWaitMs: 5s
  maxAckPending: 4
phases:
  - kind: events
    publish: { kind: constant, rate: 50, duration: 1s }
`;

let runtime: Runtime;
let bus: EventBus;
let server: OwnServer;
let pool: Pool;
let gateway: Gateway;
let variant: Variant;

beforeAll(async () => {
  const loaded = parseScenarioText(yaml, 'test/data/runs/failures.yaml');
  const [first] = expandVariants(loaded.scenario, { hostCores: 2 });
  if (!first) throw new Error('no variant');
  variant = first;
  server = await startNatsServer(RUN_ID);
  bus = await openEventBus({ url: server.url }, RUN_ID);
  runtime = await getRuntime('process');
  const prepared = await runtime.prepare(loaded.fn, variant, RUN_ID);
  pool = new Pool({ maxInstances: 2, instanceConcurrency: 1, keepAliveMs: 60_000, provisioned: 0, startInstance: (instanceId, stop) => runtime.start(prepared, { instanceId, runId: RUN_ID, signal: stop }) });
  gateway = await startGateway(pool);
});

afterAll(async () => {
  await gateway?.close();
  await pool?.close('end-of-variant');
  await runtime?.dispose(RUN_ID);
  await bus?.close();
  await server?.stop();
});

async function runWith(onFailure: 'nak' | 'term', index: number) {
  if (!variant.events) throw new Error('a variant with event phases carries the events block');
  const v: Variant = { ...variant, events: { ...variant.events, onFailure } };
  const session = await EventsSession.open({ bus, runId: RUN_ID, variantIndex: index, variant: v, gatewayUrl: gateway.url, signal: new AbortController().signal });
  const phase = v.phases[0];
  if (phase?.kind !== 'events') throw new Error('not an events phase');
  const result = await session.runPhase(phase, 'failing', { startMs: 0, timeline: new Timeline(nowUs()) });
  return { sent: result.sent, errors: result.errors, ...(await session.finish()) };
}

describe('failed invocations', () => {
  it('nak: failed messages come back until they succeed, and none is lost', async () => {
    const { sent, result, invalidReasons } = await runWith('nak', 0);
    const p = result.phases[0];
    expect(invalidReasons).toEqual([]);
    expect(p?.failedInvocations).toBeGreaterThan(0);
    expect(p?.naks).toBe(p?.failedInvocations);
    expect(p?.redeliveries).toBeGreaterThanOrEqual(p?.failedInvocations ?? 0);
    expect(result.audit).toMatchObject({ published: sent, answered: sent, terminated: 0, lost: 0, ok: true });
    expect(result.server).toMatchObject({ url: server.url, own: false });
  });

  it('term: failed messages are given up on, counted terminated, and the audit still passes', async () => {
    const { sent, result, invalidReasons, errors } = await runWith('term', 1);
    const p = result.phases[0];
    expect(invalidReasons).toEqual([]);
    expect(p?.terms).toBeGreaterThan(0);
    expect(p?.terms).toBe(p?.failedInvocations);
    expect(p?.redeliveries).toBe(0);
    expect(result.audit).toMatchObject({ published: sent, answered: sent - (p?.terms ?? 0), terminated: p?.terms, lost: 0, ok: true });
    // Each failed call reached the phase's figures as an error of the function.
    expect(Object.values(errors).reduce((t, n) => t + n, 0)).toBe(p?.failedInvocations);
  });
});
