import { sleep } from '../../util/clock.js';

/** What the bootstrap answers on GET /__coldlab/health. */
export interface Health {
  coldlab: 'ready';
  initMs: number;
  bootMs: number;
  pid?: number;
}

function isHealth(value: unknown): value is Health {
  return typeof value === 'object' && value !== null && (value as { coldlab?: unknown }).coldlab === 'ready';
}

// Short per-try timeouts: docker-proxy accepts connections before the container listens, and a try must not stall.
export async function pollHealth(url: string, opts: { deadlineMs: number; gone: () => boolean; signal?: AbortSignal | undefined }): Promise<Health | undefined> {
  const deadline = Date.now() + opts.deadlineMs;
  while (Date.now() < deadline && !opts.gone() && !opts.signal?.aborted) {
    try {
      const response = await fetch(`${url}/__coldlab/health`, { signal: AbortSignal.timeout(300) });
      if (response.ok) {
        const body: unknown = await response.json();
        if (isHealth(body)) return body;
      } else {
        await response.body?.cancel();
      }
    } catch {
      // not listening yet
    }
    await sleep(5, opts.signal);
  }
  return undefined;
}
