/** What the list needs of a slot: its two links, kept on the slot itself so no node is allocated per request. */
export interface Linked<T> {
  warmPrev: T | undefined;
  warmNext: T | undefined;
  inWarmList: boolean;
}

/**
 * Ready instances that can take one more request, most recently used first, so the gateway's warm pick is
 * the head in O(1) instead of a scan over every instance. An instance moves to the front when it becomes
 * ready or finishes a request (the moments its `lastUsedUs` is set), and leaves when it is full or stops.
 */
export class WarmList<T extends Linked<T>> {
  private head: T | undefined;

  first(): T | undefined {
    return this.head;
  }

  /** Moves (or adds) `item` to the front. */
  toFront(item: T): void {
    if (this.head === item) return;
    this.remove(item);
    item.warmNext = this.head;
    if (this.head) this.head.warmPrev = item;
    this.head = item;
    item.inWarmList = true;
  }

  remove(item: T): void {
    if (!item.inWarmList) return;
    if (item.warmPrev) item.warmPrev.warmNext = item.warmNext;
    else this.head = item.warmNext;
    if (item.warmNext) item.warmNext.warmPrev = item.warmPrev;
    item.warmPrev = undefined;
    item.warmNext = undefined;
    item.inWarmList = false;
  }
}
