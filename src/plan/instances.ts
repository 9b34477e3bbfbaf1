const STARTING = 1;
const READY = 2;

/**
 * The simulated pool's instances in typed arrays, plus the list the real pool's warm choice needs: instances
 * that can take a request, ordered by when they were last used (tail = most recent). The pool (platform/pool.ts)
 * picks the most recently used warm instance; lastUsed only ever moves to "now", so appending keeps the order.
 */
export class InstanceTable {
  state = new Uint8Array(64);
  inflight = new Int32Array(64);
  lastUsed = new Float64Array(64);
  provisioned = new Uint8Array(64);
  /** Arrival times of requests waiting for this instance's start (the one that triggered it first). */
  pending: number[][] = [];
  /** Service time drawn for the request that triggered the start (µs). */
  firstService = new Float64Array(64);
  private prev = new Int32Array(64).fill(-1);
  private next = new Int32Array(64).fill(-1);
  private listed = new Uint8Array(64);
  head = -1;
  tail = -1;
  private free: number[] = [];
  private used = 0;

  allocate(provisioned: boolean): number {
    const id = this.free.pop() ?? this.used++;
    if (id >= this.state.length) this.grow();
    this.state[id] = STARTING;
    this.inflight[id] = 0;
    this.provisioned[id] = provisioned ? 1 : 0;
    this.pending[id] = [];
    return id;
  }

  release(id: number): void {
    this.unlist(id);
    this.state[id] = 0;
    this.free.push(id);
  }

  isReady(id: number): boolean {
    return this.state[id] === READY;
  }

  isStarting(id: number): boolean {
    return this.state[id] === STARTING;
  }

  markReady(id: number, now: number): void {
    this.state[id] = READY;
    this.lastUsed[id] = now;
  }

  /** Puts an instance that can take a request at the most-recent end of the warm list. */
  list(id: number): void {
    if (this.listed[id]) this.unlist(id);
    this.listed[id] = 1;
    this.prev[id] = this.tail;
    this.next[id] = -1;
    if (this.tail >= 0) this.next[this.tail] = id;
    else this.head = id;
    this.tail = id;
  }

  unlist(id: number): void {
    if (!this.listed[id]) return;
    this.listed[id] = 0;
    const before = this.prev[id] ?? -1;
    const after = this.next[id] ?? -1;
    if (before >= 0) this.next[before] = after;
    else this.head = after;
    if (after >= 0) this.prev[after] = before;
    else this.tail = before;
  }

  after(id: number): number {
    return this.next[id] ?? -1;
  }

  private grow(): void {
    const size = this.state.length * 2;
    const copy = <T extends Uint8Array | Int32Array | Float64Array>(from: T, make: (n: number) => T, fill = 0): T => {
      const to = make(size);
      if (fill !== 0) to.fill(fill);
      to.set(from);
      return to;
    };
    this.state = copy(this.state, (n) => new Uint8Array(n));
    this.inflight = copy(this.inflight, (n) => new Int32Array(n));
    this.lastUsed = copy(this.lastUsed, (n) => new Float64Array(n));
    this.provisioned = copy(this.provisioned, (n) => new Uint8Array(n));
    this.firstService = copy(this.firstService, (n) => new Float64Array(n));
    this.prev = copy(this.prev, (n) => new Int32Array(n), -1);
    this.next = copy(this.next, (n) => new Int32Array(n), -1);
    this.listed = copy(this.listed, (n) => new Uint8Array(n));
  }
}
