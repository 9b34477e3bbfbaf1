import { sleep } from '../../util/clock.js';
import { fetchWithin } from '../../util/timeout.js';

/** What the bootstrap answers on GET /__coldlab/health. */
export interface Health {
  coldlab: 'ready';
  initMs: number;
  bootMs: number;
  pid?: number;
}

export interface PollOptions {
  deadlineMs: number;
  /** True once the container is known to have exited: stop polling at once. */
  gone: () => boolean;
  signal?: AbortSignal | undefined;
}

/** One readiness try: a value when ready, undefined when not yet. */
export type ReadyCheck<T> = (url: string) => Promise<T | undefined>;

export function isHealth(value: unknown): value is Health {
  return typeof value === 'object' && value !== null && (value as { coldlab?: unknown }).coldlab === 'ready';
}

// Short per-try timeouts: docker-proxy accepts connections before the container listens, and a try must not stall.
export async function pollReady<T>(url: string, check: ReadyCheck<T>, opts: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + opts.deadlineMs;
  while (Date.now() < deadline && !opts.gone() && !opts.signal?.aborted) {
    try {
      const value = await check(url);
      if (value !== undefined) return value;
    } catch {
      // not listening yet
    }
    await sleep(5, opts.signal);
  }
  return undefined;
}

/** The coldlab bootstrap is ready when its health route answers with its init figures. */
export const bootstrapHealth: ReadyCheck<Health> = async (url) => {
  const response = await fetchWithin(`${url}/__coldlab/health`, 300);
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const body: unknown = await response.json();
  return isHealth(body) ? body : undefined;
};

/** Any HTTP server is ready once `path` answers with any status below 500. */
export function anyHttpAnswer(path: string): ReadyCheck<{ status: number }> {
  return async (url) => {
    const response = await fetchWithin(`${url}${path}`, 300);
    await response.body?.cancel();
    return response.status < 500 ? { status: response.status } : undefined;
  };
}
