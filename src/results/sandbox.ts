/** What results record about a sandbox, as the output model types it: the runtimes fill these in (runtimes/types.ts re-exports them). */
export type { GuestMemory, StartBreakdown } from './model.js';

/** What a runtime found about this machine that results and the report heading show, e.g. { accelerator: 'tcg' }. */
export type RuntimeFacts = Record<string, string>;
