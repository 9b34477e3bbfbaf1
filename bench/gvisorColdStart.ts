// `npm run bench -- gvisor`: gVisor's (runsc) container cold start against runc's, alternating in one run,
// through coldlab with the same image and create options; without the CLI and engine-API baselines of the
// container section, so it is quick. Everything created is removed in the end, also after Ctrl-C.
import type { StartContext } from '../src/runtimes/types.js';
import type { FunctionSpec, Variant } from '../src/scenario/variant.js';
import { ContainerRuntime, listOciRuntimes } from '../src/runtimes/container/runtime.js';
import { BenchInterrupted } from './containerColdStart.js';
import { benchOciRuntimes, type OciColdStart } from './ociColdStart.js';

export type GvisorBench = { skipped: string } | { samples: number; cells: OciColdStart[] };

export async function benchGvisorColdStart(fn: FunctionSpec, base: Variant, samples: number): Promise<GvisorBench> {
  const runtime = new ContainerRuntime();
  const probe = await runtime.probe();
  if (!probe.usable) return { skipped: `${probe.reason} — ${probe.fix}` };
  const available = await listOciRuntimes();
  const missing = ['runc', 'runsc'].filter((n) => !available.includes(n));
  if (missing.length > 0) return { skipped: `the engine lacks ${missing.join(', ')} (bash scripts/setup-docker.sh registers runsc)` };
  const runId = `bench-gvisor-${process.pid}`;
  const variant: Variant = { ...base, key: 'bench/gvisor', id: 'bench/gvisor#1', runtime: 'container', prewarm: true };
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  const ctx = (instanceId: string): StartContext => ({ instanceId, runId, signal: abort.signal });
  const check = (): void => {
    if (abort.signal.aborted) throw new BenchInterrupted('gVisor cold-start bench interrupted');
  };
  try {
    const prepared = await runtime.prepare(fn, variant, runId);
    return { samples, cells: await benchOciRuntimes(runtime, prepared, ['runc', 'runsc'], samples, ctx, check) };
  } catch (error) {
    throw abort.signal.aborted ? new BenchInterrupted('gVisor cold-start bench interrupted', { cause: error }) : error;
  } finally {
    try {
      await runtime.dispose(runId);
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
