import { ConnectionPool } from './connections.js';

const pools = new Map<string, ConnectionPool>();

/**
 * One keep-alive connection pool per gateway origin for the whole process, so a phase reuses the connections
 * the previous phase opened instead of paying ~1 ms per new loopback connection inside its first latencies.
 * Idle connections are unref'd (WireConnection.park), so keeping pools around never holds the process open.
 */
export function poolFor(url: URL): ConnectionPool {
  let pool = pools.get(url.origin);
  if (!pool) {
    pool = new ConnectionPool(url.origin);
    pools.set(url.origin, pool);
  }
  return pool;
}
