// Requests that reach the Wasm host (./host.mjs) before their instance's start command. coldlab sends an
// instance's first request as soon as it has sent the start, and the two come on different channels (HTTP,
// stdin), so either may come first: such a request waits here, by instance id, until its start or stop comes,
// or is handed to onExpired after waitMs. Plain JavaScript, no dependencies.

export function createWaitingRoom(waitMs, onExpired) {
  const waiting = new Map();
  return {
    hold(id, req, res) {
      const queue = waiting.get(id) ?? [];
      waiting.set(id, queue);
      const entry = { req, res };
      entry.timer = setTimeout(() => {
        queue.splice(queue.indexOf(entry), 1);
        if (queue.length === 0) waiting.delete(id);
        onExpired(id, res);
      }, waitMs);
      queue.push(entry);
    },
    /** Hands id's waiting requests to take(req, res), in the order they came. */
    release(id, take) {
      for (const { req, res, timer } of waiting.get(id) ?? []) {
        clearTimeout(timer);
        take(req, res);
      }
      waiting.delete(id);
    },
  };
}
