import type { RunResult } from '../results/model.js';
import { EXIT } from '../util/errors.js';

/** The exit code a finished run deserves (DESIGN.md table); 130 after Ctrl-C, like any shell tool. */
export function exitCodeFor(result: RunResult): number {
  if (!result.complete) return 130;
  if (result.variants.some((v) => v.status === 'failed' && v.error.code === 'RUNTIME_UNAVAILABLE')) return EXIT.runtimeUnavailable;
  if (result.variants.some((v) => v.status === 'failed')) return EXIT.internal;
  if (result.variants.some((v) => v.status === 'invalid')) return EXIT.runInvalid;
  return EXIT.ok;
}

/** Two exit codes folded into one: 99 (gate) yields to any other failure, which says more about the run. */
export function worstExit(a: number, b: number): number {
  if (a === EXIT.gateFailed && b !== EXIT.ok) return b;
  if (b === EXIT.gateFailed && a !== EXIT.ok) return a;
  return Math.max(a, b);
}
