import { execa } from 'execa';
import { resolve } from 'node:path';
import type { Variant } from '../../src/scenario/variant.js';
import { ContainerRuntime } from '../../src/runtimes/container/runtime.js';

const SETUP = resolve(import.meta.dirname, '../../scripts/setup-docker.sh');

/**
 * Makes sure a Docker engine answers, starting one with scripts/setup-docker.sh when needed.
 * Returns false only outside CI; with CI=true a missing engine is a failure, never a skip.
 */
export async function ensureEngine(): Promise<boolean> {
  const runtime = new ContainerRuntime();
  if ((await runtime.probe()).usable) return true;
  const setup = await execa('bash', [SETUP], { reject: false, all: true });
  const probe = await runtime.probe();
  if (probe.usable) return true;
  const why = `no Docker engine: ${probe.reason}\nsetup-docker.sh said:\n${setup.all ?? ''}`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`skipping container tests: ${why}`);
  return false;
}

/** A Variant literal for the container runtime (the matrix normally builds these). */
export function containerVariant(overrides: Partial<Variant> = {}): Variant {
  const memoryMb = overrides.memoryMb ?? 256;
  const prewarm = overrides.prewarm ?? true;
  const key = `container/mem=${memoryMb}/prov=0/prewarm=${prewarm ? 'on' : 'off'}/ka=60000/conc=1/max=2`;
  return {
    key,
    id: `${key}#0`,
    repetition: 0,
    runtime: 'container',
    memoryMb,
    provisionedConcurrency: 0,
    prewarm,
    keepAliveMs: 60_000,
    instanceConcurrency: 1,
    maxInstances: 2,
    cpus: 1,
    phases: [],
    requestTimeoutMs: 10_000,
    ...overrides,
  };
}
