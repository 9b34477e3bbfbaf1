// One monotonic clock in microseconds for the whole lab, so send times, responses and instance
// events can be subtracted from each other. Never Date.now(): wall time jumps.
const ORIGIN_NS = process.hrtime.bigint();

/** Microseconds since this process loaded the clock (monotonic, float with sub-µs resolution). */
export function nowUs(): number {
  return Number(process.hrtime.bigint() - ORIGIN_NS) / 1000;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
