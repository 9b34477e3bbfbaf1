import type { IO } from './io.js';

/**
 * Ctrl-C once: abort the run cleanly (every instance stopped, results so far written, marked incomplete);
 * twice: exit at once. Returns the signal the run watches and a function that removes the handler.
 */
export function interruptible(io: IO): { signal: AbortSignal; release(): void } {
  const abort = new AbortController();
  let interrupts = 0;
  const release = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) io.err('\ncoldlab: interrupted — stopping every instance and writing what was gathered (Ctrl-C again to force)\n');
    abort.abort();
    if (interrupts > 1) process.exit(130);
  });
  return { signal: abort.signal, release };
}
