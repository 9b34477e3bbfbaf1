import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { getRuntime } from '../../src/runtimes/registry.js';
import type { Runtime } from '../../src/runtimes/types.js';
import { Pool } from '../../src/platform/pool.js';
import { startGateway, type Gateway } from '../../src/platform/gateway.js';
import { openEventBus, type EventBus } from '../../src/events/bus.js';
import { EventsSession } from '../../src/events/session.js';
import { Timeline } from '../../src/results/timeline.js';
import { nowUs, sleep } from '../../src/util/clock.js';

// The trigger is killed mid-phase (its NATS connection dropped, answers still to come never acked, as when a
// connector's process dies) and a new one resumes on the same durable consumer: the stream redelivers what the
// dead one held, and the audit finds every published message answered. Each call takes 50 ms, so calls are in
// flight when the kill comes. Real nats-server, real process instances.
const RUN_ID = `resume-${process.pid}`;
const yaml = `name: resume
function:
  path: ../../../fixtures/functions/hello-sleep50.mjs
runtimes: [process]
events:
  drainTimeout: 15s
matrix:
  memoryMb: 1024
  maxInstances: 4
  ackWaitMs: 1s
  maxAckPending: 20
phases:
  - name: steady
    kind: events
    publish: { kind: constant, rate: 100, duration: 2s }
`;

let runtime: Runtime;
let bus: EventBus;
let pool: Pool;
let gateway: Gateway;

beforeAll(async () => {
  bus = await openEventBus({}, RUN_ID);
});

afterAll(async () => {
  await gateway?.close();
  await pool?.close('end-of-variant');
  await runtime?.dispose(RUN_ID);
  await bus?.close();
});

describe('a trigger killed mid-run', () => {
  it('loses nothing once a new trigger resumes on the durable consumer', async () => {
    const loaded = parseScenarioText(yaml, 'test/data/runs/resume.yaml');
    const [variant] = expandVariants(loaded.scenario, { hostCores: 2 });
    if (!variant) throw new Error('no variant');
    runtime = await getRuntime('process');
    const prepared = await runtime.prepare(loaded.fn, variant, RUN_ID);
    pool = new Pool({ maxInstances: 4, instanceConcurrency: 1, keepAliveMs: 60_000, provisioned: 0, startInstance: (instanceId, stop) => runtime.start(prepared, { instanceId, runId: RUN_ID, signal: stop }) });
    gateway = await startGateway(pool);
    const signal = new AbortController().signal;
    const session = await EventsSession.open({ bus, runId: RUN_ID, variantIndex: 0, variant, gatewayUrl: gateway.url, signal });
    const phase = variant.phases[0];
    if (phase?.kind !== 'events') throw new Error('not an events phase');
    const running = session.runPhase(phase, 'steady', { startMs: 0, timeline: new Timeline(nowUs()) });
    await sleep(900);
    await session.killTrigger();
    await sleep(300);
    await session.startTrigger();
    const phaseResult = await running;
    const { result, invalidReasons } = await session.finish();
    expect(invalidReasons).toEqual([]);
    // A publisher held up past the phase's end on a busy host does not send its last messages late: count what it sent.
    expect(phaseResult.sent).toBeGreaterThan(150);
    expect(result.audit).toMatchObject({ published: phaseResult.sent, answered: phaseResult.sent, lost: 0, unacked: 0, ok: true });
    // The killed trigger held messages the server gave again to the new one.
    expect(result.phases[0]?.redeliveries).toBeGreaterThan(0);
    expect((await bus.jsm.streams.names().next()).includes(session.names.stream)).toBe(false);
  });
});
