/**
 * Headers the gateway adds to every response so the load side can tell cold from warm without guessing.
 * The load side reads them; nothing else depends on their spelling.
 */
export const H = {
  startKind: 'x-coldlab-start', // "cold" | "warm"
  coldReason: 'x-coldlab-cold-reason', // "scale-out" | "keepalive-expired" (cold only)
  instance: 'x-coldlab-instance', // instance id, e.g. "i3"
  initMs: 'x-coldlab-init-ms', // the instance's function init time, ms (cold only)
  startMs: 'x-coldlab-start-ms', // whole instance start, ms (cold only)
  queueUs: 'x-coldlab-queue-us', // time the request waited for an instance, µs (includes the start for cold)
  gatewayError: 'x-coldlab-gateway-error', // set when the gateway itself answered (no instance, start failed, upstream error)
  instanceStarted: 'x-coldlab-instance-started', // set by an instance whose first request started it: its start, for the runtime (Instance.startedBy)
  functionError: 'x-coldlab-function-error', // set by an instance whose function failed; a value other than "1" names the cause (e.g. "wasm-trap")
} as const;

/** What the gateway tells the load side about one request. */
export interface GatewayTags {
  startKind: 'cold' | 'warm';
  coldReason?: 'scale-out' | 'keepalive-expired';
  instanceId?: string;
  initMs?: number;
  startMs?: number;
  queueUs?: number;
  gatewayError?: string;
}
