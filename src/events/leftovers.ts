import { ownerAlive } from '../runtimes/owner.js';
import { errorMessage } from '../util/errors.js';
import { connectNats } from './bus.js';
import { streamOwner } from './names.js';
import { removeLeftoverServers } from './server.js';

/** Streams (with their consumers) on the server at `url` that a coldlab now gone created; a live run's stay. */
export async function removeLeftoverStreams(url: string): Promise<string[]> {
  const { nc, jsm } = await connectNats(url, 'coldlab-doctor');
  const removed: string[] = [];
  try {
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    for (const name of names) {
      const owner = streamOwner(name);
      if (owner === undefined || ownerAlive(owner)) continue;
      await jsm.streams.delete(name);
      removed.push(`stream ${name} on ${url}`);
    }
  } finally {
    await nc.close();
  }
  return removed;
}

/**
 * What `doctor --cleanup` removes for event phases: nats-servers coldlab started and their store folders (a
 * crash may leave them where setpriv is missing), and, given a server's url, the streams a dead coldlab left there.
 */
export async function removeEventLeftovers(url?: string): Promise<string[]> {
  const removed = await removeLeftoverServers();
  if (url) removed.push(...(await removeLeftoverStreams(url).catch((error: unknown) => [`cleanup of ${url} failed: ${errorMessage(error)}`])));
  return removed;
}
