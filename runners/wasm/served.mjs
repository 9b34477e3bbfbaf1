// Instantiate and run times of the requests a Wasm host's threads served (µs), summed up in the host's exit events
// as the results' "requests served" note. Plain JavaScript, no dependencies.

/** Figures kept per host (and per thread between reports): enough for the note's P99, bounded for a soak run. */
export const MAX_FIGURES = 100_000;

export function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

export function servedFigures() {
  const figures = { instantiateUs: [], runUs: [] };
  return {
    add(instantiateUs, runUs) {
      if (figures.runUs.length >= MAX_FIGURES) return;
      figures.instantiateUs.push(instantiateUs);
      figures.runUs.push(runUs);
    },
    /** Takes another thread's figures (its batch from drain()). */
    merge(batch) {
      for (let i = 0; i < batch.runUs.length; i++) this.add(batch.instantiateUs[i], batch.runUs[i]);
    },
    /** The figures so far, emptied: what a thread hands its host when it is parked again. */
    drain() {
      return { instantiateUs: figures.instantiateUs.splice(0), runUs: figures.runUs.splice(0) };
    },
    get count() {
      return figures.runUs.length;
    },
    summary(reuse) {
      return { count: figures.runUs.length, reuse, instantiateUs: percentiles(figures.instantiateUs), runUs: percentiles(figures.runUs) };
    },
  };
}
