/** What results record about a sandbox: the runtimes fill these in (runtimes/types.ts re-exports them). */

/** What a runtime found about this machine that results and the report heading show, e.g. { accelerator: 'tcg' }. */
export type RuntimeFacts = Record<string, string>;

/** A VM guest's own /proc/meminfo figures (kB). */
export interface GuestMemory {
  memTotalKb: number;
  memAvailableKb: number;
  cachedKb: number;
}

/** Milliseconds spent in each step of a cold start, as far as the runtime can tell them apart. */
export interface StartBreakdown {
  /** Image pull, page-cache drop, artifact fetch (prewarm off). */
  fetchMs?: number;
  /** Sandbox creation: process spawn, container create, VM launch. */
  createMs?: number;
  /** Starting the created sandbox, where that is a step of its own (container start). */
  startMs?: number;
  /** Wasm: compiling the module's bytes to machine code (absent when the start reused a compiled module). */
  compileMs?: number;
  /** Wasm: creating an instance of the compiled module (linear memory, tables, imports). */
  instantiateMs?: number;
  /** From sandbox start until the bootstrap runs. */
  bootMs?: number;
  /** The function's own init (module load + top-level code), measured inside the instance. */
  initMs?: number;
  /** From the start call until the instance answered its readiness check. */
  totalMs: number;
}
