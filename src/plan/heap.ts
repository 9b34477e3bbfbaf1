/**
 * A binary min-heap of simulation events in parallel typed arrays (time, instance, arrival time), so a million
 * simulated requests allocate no objects per event.
 */
export class EventHeap {
  private times = new Float64Array(1024);
  private instances = new Int32Array(1024);
  private arrivals = new Float64Array(1024);
  size = 0;

  push(time: number, instance: number, arrival: number): void {
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    // Sift up: move parents down until the new event's place is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = this.times[parent] ?? 0;
      if (parentTime <= time) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = time;
    this.instances[i] = instance;
    this.arrivals[i] = arrival;
  }

  peekTime(): number {
    return this.size > 0 ? (this.times[0] ?? Infinity) : Infinity;
  }

  /** Removes the earliest event; read it first with top(). */
  top(): { time: number; instance: number; arrival: number } {
    return { time: this.times[0] ?? Infinity, instance: this.instances[0] ?? -1, arrival: this.arrivals[0] ?? 0 };
  }

  pop(): void {
    const last = --this.size;
    if (last <= 0) return;
    const time = this.times[last] ?? 0;
    const instance = this.instances[last] ?? 0;
    const arrival = this.arrivals[last] ?? 0;
    let i = 0;
    // Sift down: the last event takes the root and sinks below smaller children.
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && (this.times[right] ?? 0) < (this.times[left] ?? 0) ? right : left;
      if ((this.times[child] ?? 0) >= time) break;
      this.move(child, i);
      i = child;
    }
    this.times[i] = time;
    this.instances[i] = instance;
    this.arrivals[i] = arrival;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] ?? 0;
    this.instances[to] = this.instances[from] ?? 0;
    this.arrivals[to] = this.arrivals[from] ?? 0;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const instances = new Int32Array(this.times.length * 2);
    const arrivals = new Float64Array(this.times.length * 2);
    times.set(this.times);
    instances.set(this.instances);
    arrivals.set(this.arrivals);
    this.times = times;
    this.instances = instances;
    this.arrivals = arrivals;
  }
}
