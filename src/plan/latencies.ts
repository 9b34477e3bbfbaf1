/**
 * Every simulated response time (µs) in a growable typed array, sorted once at the end: exact percentiles,
 * and about 3× cheaper per request than an HDR record, which dominated a million-request simulation.
 */
export class Latencies {
  private values = new Float64Array(1 << 16);
  count = 0;
  private sum = 0;

  add(us: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = us;
    this.sum += us;
  }

  get meanUs(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** Nearest-rank percentiles (µs) of everything added; sorts once. */
  percentiles(ps: readonly number[]): number[] {
    const sorted = this.values.subarray(0, this.count).sort();
    return ps.map((p) => (this.count > 0 ? (sorted[Math.max(0, Math.ceil((p / 100) * this.count) - 1)] ?? 0) : 0));
  }
}
