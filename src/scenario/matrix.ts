import type { MicrovmStart, Scenario, WasmStart } from './schema.js';
import type { Variant } from './variant.js';

export const many = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

// The OCI runtime is a container knob: other runtimes of the same scenario get one cell, not one per OCI runtime.
const ociRuntimesFor = (runtime: string, oci: string | string[] | undefined): Array<string | undefined> =>
  runtime === 'container' && oci !== undefined ? many(oci) : [undefined];

// Boot or restore is a microvm knob, in the same way.
const microvmStartsFor = (runtime: string, starts: MicrovmStart | MicrovmStart[] | undefined): Array<MicrovmStart | undefined> =>
  runtime === 'microvm' && starts !== undefined ? many(starts) : [undefined];

// Matrix keys that only one runtime understands: other runtimes get a single cell for them.
const RUNTIME_ONLY_KEYS: Partial<Record<string, string>> = { ociRuntime: 'container', microvmStart: 'microvm', wasmStart: 'wasm', wasmReuse: 'wasm' };

/**
 * How many variants (cells × repetitions) the matrix expands into, counted without building them, so a
 * matrix of a million cells is refused before anything (even --dry-run) tries to list it.
 */
export function countVariants(scenario: Scenario): number {
  const values = Object.entries(scenario.matrix).filter(([, v]) => v !== undefined);
  let cells = 0;
  for (const runtime of many(scenario.runtimes)) {
    cells += values.reduce((product, [key, value]) => {
      const only = RUNTIME_ONLY_KEYS[key];
      return product * (only !== undefined && only !== runtime ? 1 : many(value).length);
    }, 1);
  }
  return cells * scenario.repetitions;
}

// Wasm knobs likewise: one cell per start mode and reuse setting on the wasm runtime only.
const wasmCellsFor = (runtime: string, m: Scenario['matrix']): Array<{ wasmStart?: WasmStart; wasmReuse?: boolean }> =>
  runtime !== 'wasm' ? [{}] : many(m.wasmStart ?? 'compile').flatMap((wasmStart) => many(m.wasmReuse ?? false).map((wasmReuse) => ({ wasmStart, wasmReuse })));

/**
 * Expands the matrix into variants, one repetition after another (all cells of rep 1, then rep 2…),
 * so slow drift on a noisy host spreads across cells instead of landing on one.
 */
export function expandVariants(scenario: Scenario, options: { hostCores: number }): Variant[] {
  const m = scenario.matrix;
  const cells: Omit<Variant, 'id' | 'repetition'>[] = [];
  for (const runtime of many(scenario.runtimes))
    for (const memoryMb of many(m.memoryMb))
      for (const provisionedConcurrency of many(m.provisionedConcurrency))
        for (const prewarm of many(m.prewarm))
          for (const keepAliveMs of many(m.keepAliveMs))
            for (const instanceConcurrency of many(m.instanceConcurrency))
              for (const maxInstances of many(m.maxInstances))
                for (const ociRuntime of ociRuntimesFor(runtime, m.ociRuntime))
                for (const microvmStart of microvmStartsFor(runtime, m.microvmStart))
                for (const wasmCell of wasmCellsFor(runtime, m)) {
                  const oci = ociRuntime === undefined ? '' : `/oci=${ociRuntime}`;
                  const vmStart = microvmStart === undefined ? '' : `/start=${microvmStart}`;
                  const wasmKey = wasmCell.wasmStart === undefined ? '' : `/start=${wasmCell.wasmStart}/reuse=${wasmCell.wasmReuse ? 'on' : 'off'}`;
                  const key = `${runtime}/mem=${memoryMb}/prov=${provisionedConcurrency}/prewarm=${prewarm ? 'on' : 'off'}/ka=${keepAliveMs}/conc=${instanceConcurrency}/max=${maxInstances}${oci}${vmStart}${wasmKey}`;
                  cells.push({
                    key,
                    ...(ociRuntime === undefined ? {} : { ociRuntime }),
                    ...(microvmStart === undefined ? {} : { microvmStart }),
                    ...wasmCell,
                    runtime,
                    memoryMb,
                    provisionedConcurrency,
                    prewarm,
                    keepAliveMs,
                    instanceConcurrency,
                    maxInstances,
                    cpus: Math.round(Math.min(options.hostCores, memoryMb / scenario.cpuMbPerVcpu) * 1000) / 1000,
                    phases: scenario.phases.map((p, i) => ({ ...p, name: p.name ?? `${i + 1}-${p.kind}` })),
                    requestTimeoutMs: scenario.requestTimeoutMs,
                  });
                }
  const variants: Variant[] = [];
  for (let repetition = 1; repetition <= scenario.repetitions; repetition++) {
    for (const cell of cells) variants.push({ ...cell, repetition, id: `${cell.key}#${repetition}` });
  }
  return variants;
}
