import { z } from 'zod';
import { DURATION_PATTERN, formatMs, parseDurationMs } from '../util/duration.js';
import { LIMITS } from './limits.js';
import { pricesOverrideSchema } from './prices.js';
import { adviceSchema } from './advice.js';
import { runtimeName } from './runtimeNames.js';
import { RUNTIME_KNOBS } from './knobs/index.js';
import type { RuntimeKnob } from './knobs/knob.js';
import { eventsSchemas } from './events.js';

/**
 * A duration field accepts "5s"/"500ms"/"2m" or milliseconds and always yields milliseconds, within
 * [0 or more than 0, maxMs]: the number branch states the bounds for the JSON Schema, the transform
 * checks written durations against the same bounds.
 */
// unit: a key whose name does not say its unit (duration, every) refuses a bare number: 10 read as 10 ms was a trap.
function duration(options: { positive: boolean; maxMs: number; unit?: boolean }) {
  const number = options.positive ? z.number().positive() : z.number().nonnegative();
  return (
    z
      // The pattern only reaches the JSON Schema (editors flag "soon"); the transform below gives the message.
      .union([number.max(options.maxMs), z.string().meta({ pattern: DURATION_PATTERN.source })])
      .transform((value, ctx) => {
        if (options.unit && typeof value === 'number' && value !== 0) {
          ctx.addIssue({ code: 'custom', message: `${value} what? write ${value}ms or ${value}s`, params: { hint: 'a duration carries its unit: ms, s, m or h (e.g. 500ms, 5s, 2m)', at: true } });
          return z.NEVER;
        }
        const ms = parseDurationMs(value);
        if (ms === undefined) {
          ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a duration; write e.g. 500ms, 5s or 2m` });
          return z.NEVER;
        }
        if (options.positive && ms === 0) {
          ctx.addIssue({ code: 'custom', message: `a duration of ${String(value)} does nothing`, params: { hint: 'write a duration longer than 0, e.g. 5s', at: true } });
          return z.NEVER;
        }
        if (ms > options.maxMs) {
          ctx.addIssue({ code: 'custom', message: `"${String(value)}" is longer than the limit of ${formatMs(options.maxMs)}`, params: { hint: `write at most ${formatMs(options.maxMs)} (docs/limits.md lists every limit)`, at: true } });
          return z.NEVER;
        }
        return ms;
      })
      .meta({ description: `A duration: "500ms", "5s", "2m"${options.unit ? '' : ', or a number of milliseconds'} (at most ${formatMs(options.maxMs)})` })
  );
}

const phaseDuration = duration({ positive: true, maxMs: LIMITS.phaseDurationMs, unit: true });
const positiveInt = z.number().int().positive();
const rate = z.number().positive().max(LIMITS.rate).meta({ description: 'Requests per second' });
const name = z.string().min(1).max(LIMITS.nameLength);

const phaseBase = { name: name.optional() };

export const constantPhase = z.strictObject({ ...phaseBase, kind: z.literal('constant'), rate, duration: phaseDuration });
export const poissonPhase = z.strictObject({ ...phaseBase, kind: z.literal('poisson'), rate, duration: phaseDuration, seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional() });
const rampEnd = z.number().nonnegative().max(LIMITS.rate).meta({ description: 'Requests per second at this end of the ramp' });
export const rampPhase = z.strictObject({ ...phaseBase, kind: z.literal('ramp'), from: rampEnd, to: rampEnd, duration: phaseDuration });
export const burstPhase = z.strictObject({
  ...phaseBase,
  kind: z.literal('burst'),
  size: positiveInt.max(LIMITS.burstSize).meta({ description: 'Requests sent at once in each burst' }),
  every: duration({ positive: false, maxMs: LIMITS.phaseDurationMs, unit: true }),
  count: positiveInt.max(LIMITS.burstCount).meta({ description: 'How many bursts' }),
});
export const idlePhase = z.strictObject({ ...phaseBase, kind: z.literal('idle'), duration: phaseDuration });
export const saturatePhase = z.strictObject({
  ...phaseBase,
  kind: z.literal('saturate'),
  connections: positiveInt.max(LIMITS.connections),
  duration: phaseDuration,
});

export const tracePhase = z.strictObject({
  ...phaseBase,
  kind: z.literal('trace'),
  file: z.string().min(1).max(4096).meta({ description: 'Trace file, relative to the scenario file: Azure Functions 2019 per-minute counts or 2021 per-invocation rows' }),
  format: z.enum(['azure2019', 'azure2021']).optional().meta({ description: 'Trace format; detected from the header when absent' }),
  select: z
    .union([z.literal('all'), z.strictObject({ rank: positiveInt.max(1_000_000) }), z.strictObject({ hash: z.string().min(1).max(128) })])
    .default({ rank: 1 })
    .meta({ description: 'Which function to replay: { rank: N } (N-th busiest, default 1), { hash: "<HashFunction prefix>" }, or all (merged)' }),
  spread: z.enum(['poisson', 'uniform', 'equidistant']).default('poisson').meta({ description: '2019 format: how each minute\'s count is spread inside the minute' }),
  compress: z.number().min(1).max(3600).default(1).meta({ description: 'Time compression: 60 replays a trace minute in one second' }),
  fromMinute: positiveInt.max(20_160).optional().meta({ description: 'First trace minute replayed (1-based, inclusive; default 1)' }),
  toMinute: positiveInt.max(20_160).optional().meta({ description: 'Last trace minute replayed (inclusive; default the trace\'s last)' }),
  seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(LIMITS.matrixValues)]);
const events = eventsSchemas(duration, oneOrMany);
// Messages published on an open-loop schedule to a JetStream stream, each invoked by coldlab's trigger (src/events/).
export const eventsPhase = z.strictObject({ ...phaseBase, kind: z.literal('events'), publish: z.discriminatedUnion('kind', [constantPhase, poissonPhase, rampPhase, burstPhase, tracePhase]).meta({ description: 'When messages are published: a constant, poisson, ramp, burst or trace schedule (rates in messages per second)' }) });

export const phaseSchema = z.discriminatedUnion('kind', [constantPhase, poissonPhase, rampPhase, burstPhase, idlePhase, saturatePhase, tracePhase, eventsPhase]);
export type Phase = z.output<typeof phaseSchema>;
export type PhaseKind = Phase['kind'];
export const OPEN_LOOP_KINDS = ['constant', 'poisson', 'ramp', 'burst', 'idle', 'trace'] as const;

export { RUNTIME_NAMES, runtimeName, type RuntimeName } from './runtimeNames.js';
export { MICROVM_STARTS, WASM_STARTS, type MicrovmStart, type WasmStart } from './knobs/index.js';

// Each runtime's own keys (scenario/knobs/), as `value | [values]`, optional: other runtimes ignore them.
function knobShape<T extends Record<string, RuntimeKnob>>(knobs: T): { [K in keyof T]: z.ZodOptional<ReturnType<typeof oneOrMany<T[K]['schema']>>> } {
  return Object.fromEntries(Object.entries(knobs).map(([key, k]) => [key, oneOrMany(k.schema).optional().meta({ description: k.description })])) as { [K in keyof T]: z.ZodOptional<ReturnType<typeof oneOrMany<T[K]['schema']>>> };
}

export const matrixSchema = z.strictObject({
  memoryMb: oneOrMany(z.number().int().min(LIMITS.memoryMbMin).max(LIMITS.memoryMbMax)).default(512),
  provisionedConcurrency: oneOrMany(z.number().int().nonnegative().max(LIMITS.instances)).default(0),
  prewarm: oneOrMany(z.boolean()).default(true),
  keepAliveMs: oneOrMany(duration({ positive: false, maxMs: LIMITS.keepAliveMs })).default(60_000),
  instanceConcurrency: oneOrMany(positiveInt.max(LIMITS.instances)).default(1),
  maxInstances: oneOrMany(positiveInt.max(LIMITS.instances)).default(10),
  ...knobShape(RUNTIME_KNOBS),
  ackWaitMs: events.ackWaitMs,
  maxAckPending: events.maxAckPending,
});

// What execve accepts: no "=" or NUL in a name, no NUL in a value, and a size the kernel takes.
const envSchema = z
  .record(z.string(), z.string())
  .default({})
  .superRefine((env, ctx) => {
    let bytes = 0;
    for (const [key, value] of Object.entries(env)) {
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
      if (key === '' || key.includes('=') || key.includes('\0')) {
        ctx.addIssue({ code: 'custom', path: [key], message: `function.env: ${JSON.stringify(key)} cannot be an environment variable name`, params: { hint: 'names hold neither "=" nor NUL characters, e.g. LOG_LEVEL' } });
      }
      if (value.includes('\0')) {
        ctx.addIssue({ code: 'custom', path: [key], message: `function.env.${key} holds a NUL character, which no environment can carry`, params: { hint: 'remove the \\0 from the value' } });
      }
    }
    if (bytes > LIMITS.envBytes) {
      ctx.addIssue({ code: 'custom', path: [], message: `function.env holds ${bytes.toLocaleString('en-US')} bytes, more than the limit of ${LIMITS.envBytes.toLocaleString('en-US')}`, params: { hint: 'pass large data as a file next to the function and its path in env' } });
    }
  });

export const functionSchema = z
  .strictObject({
    path: z.string().min(1).optional().meta({ description: 'Module exporting the handler, relative to the scenario file (or give image + port)' }),
    handler: z.string().min(1).default('handler').meta({ description: 'Name of the exported handler function (with path)' }),
    image: z.string().min(1).optional().meta({ description: 'Container runtime only: an image present in the engine that serves HTTP, instead of path' }),
    port: z.number().int().min(1).max(65_535).optional().meta({ description: 'Port the image serves HTTP on inside the container (with image)' }),
    wasm: z.string().min(1).optional().meta({ description: 'Wasm runtime: a WAGI module (.wasm) or its source (.wat, .c), relative to the scenario file; may sit beside path' }),
    env: envSchema,
  })
  // Exactly one thing to run: a module to boot, or an image that already serves HTTP.
  // Messages name their key themselves and carry a hint in params (issues.ts shows them as they are).
  .superRefine((fn, ctx) => {
    if (fn.path === undefined && fn.image === undefined && fn.wasm === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'missing required key "path" in function (or "image" and "port")', params: { hint: 'add "path:" (a module exporting the handler, relative to the scenario file), "image:" and "port:" (an image serving HTTP) or "wasm:" (a WAGI module)' } });
    }
    if (fn.path !== undefined && fn.image !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'function has both "path" and "image"', params: { hint: 'keep one: path for a handler module coldlab boots, or image + port for an image that already serves HTTP' } });
    }
    if (fn.image !== undefined && fn.path === undefined && fn.port === undefined) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'function.image needs "port"', params: { hint: 'add "port:", the port the image serves HTTP on inside the container, e.g. port: 8080' } });
    }
    if (fn.image === undefined && fn.port !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'function.port applies only with "image"', params: { hint: 'remove "port:": a handler module given by path is served by coldlab\'s own bootstrap' } });
    }
  });

// k6-style pass/fail criteria: a list applies to every phase of a variant, a map scopes lists to phases by name.
const thresholdList = z.array(z.string().min(1).max(LIMITS.thresholdLength)).max(LIMITS.thresholds);
export const thresholdsSchema = z
  .union([thresholdList, z.record(z.string().min(1).max(LIMITS.nameLength), thresholdList)])
  .meta({ description: 'Pass/fail criteria such as "warm.p99 < 30ms", "coldStartRate < 5%": a list for all phases, or a map of phase name to list' });

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().optional(),
  function: functionSchema,
  runtimes: oneOrMany(runtimeName).default('process'),
  matrix: matrixSchema.default(() => matrixSchema.parse({})),
  phases: z.array(phaseSchema).min(1).max(LIMITS.phases),
  repetitions: positiveInt.max(LIMITS.repetitions).default(1),
  output: z.string().min(1).default('reports').meta({ description: 'Output folder, relative to the current directory' }),
  requestTimeoutMs: duration({ positive: true, maxMs: LIMITS.requestTimeoutMs }).default(10_000),
  cpuMbPerVcpu: z.number().positive().max(LIMITS.cpuMbPerVcpuMax).default(1769).meta({ description: 'Memory size that buys one full vCPU (AWS Lambda: 1769)' }),
  cost: pricesOverrideSchema
    .optional()
    .meta({ description: 'Prices the recommendations use; any key left out keeps the default (AWS Lambda x86 us-east-1 list prices)' }),
  advice: adviceSchema.default(() => adviceSchema.parse({})).meta({ description: 'What the tuning recommendations aim for' }),
  thresholds: thresholdsSchema.optional(),
  events: events.block.optional().meta({ description: 'Event phases: the NATS server (absent: coldlab starts one), stream and subject names, what a failed invocation does' }),
  baseline: z
    .strictObject({ function: functionSchema })
    .optional()
    .meta({ description: 'A baseline function to compare against in interleaved A/B rounds (same matrix and phases); `coldlab run` then gates the function against it' }),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
