import { type Health, isHealth } from '../container/health.js';

/** Under TCG every connection attempt costs the booting guest emulated work: a new try every 20 ms at most. */
const EVERY_MS = 20;
const MAX_OUTSTANDING = 4;
/**
 * A try may wait this long for its answer, as the shell baseline's `curl -m 1`: longer, and four tries
 * stalled behind a restoring guest held the first 200 back by seconds after it resumed (bench run 3).
 */
const TRY_MS = 1000;

/**
 * Polls the bootstrap's health route until its first 200. Tries overlap instead of being cut short: a
 * connection made before a restored guest resumes stalls (FIELD.md), and a slow guest answers late, so a
 * fresh try starts every EVERY_MS while up to MAX_OUTSTANDING wait (TRY_MS each); the first 200 wins and the rest are aborted.
 */
export function firstHealth(url: string, options: { deadlineMs: number; gone: () => boolean; signal?: AbortSignal | undefined }): Promise<Health | undefined> {
  const deadline = Date.now() + options.deadlineMs;
  const tries = new Set<AbortController>();
  return new Promise((resolve) => {
    let done = false;
    const finish = (health: Health | undefined): void => {
      if (done) return;
      done = true;
      for (const controller of tries) controller.abort();
      resolve(health);
    };
    const attempt = async (): Promise<void> => {
      const controller = new AbortController();
      tries.add(controller);
      const timer = setTimeout(() => controller.abort(), TRY_MS);
      try {
        const response = await fetch(`${url}/__coldlab/health`, { signal: controller.signal });
        const body: unknown = response.ok ? await response.json() : await response.body?.cancel();
        if (isHealth(body)) finish(body);
      } catch {
        // not listening yet, reset by QEMU's forwarder, or too slow: another try is on its way
      } finally {
        clearTimeout(timer);
        tries.delete(controller);
      }
    };
    const tick = (): void => {
      if (done) return;
      if (Date.now() > deadline || options.gone() || options.signal?.aborted) return finish(undefined);
      if (tries.size < MAX_OUTSTANDING) void attempt();
      setTimeout(tick, EVERY_MS);
    };
    tick();
  });
}
