import type { Docker } from './docker.js';
import { followStream, statusOf } from './docker.js';
import type { FunctionImage } from './images.js';
import type { LoopbackRegistry } from './registry.js';

/** The image's name in the run's loopback registry. */
export function registryRef(registry: LoopbackRegistry, image: FunctionImage): { repo: string; tag: string; ref: string } {
  const repo = `${registry.address}/${image.repo}`;
  return { repo, tag: image.tag, ref: `${repo}:${image.tag}` };
}

/** Tags the image for the registry and pushes it; the local copies are then dropped so starts must pull. */
export async function pushToRegistry(d: Docker, registry: LoopbackRegistry, image: FunctionImage): Promise<string> {
  const target = registryRef(registry, image);
  await d.getImage(image.ref).tag({ repo: target.repo, tag: target.tag });
  const stream = await d.getImage(target.ref).push({ authconfig: { serveraddress: registry.address } });
  await followStream(d, stream);
  await removeImage(d, target.ref);
  await removeImage(d, image.ref);
  return target.ref;
}

/** Removes an image tag (and its layers when nothing else uses them); a missing tag is fine. */
export async function removeImage(d: Docker, ref: string): Promise<void> {
  try {
    await d.getImage(ref).remove({ force: true });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/** Pulls ref and returns the layers the engine reports as downloaded (0 = everything was already present). */
export async function pullImage(d: Docker, ref: string): Promise<number> {
  const stream = await d.pull(ref);
  const events = await followStream(d, stream);
  return events.filter((e) => e.status === 'Pull complete').length;
}

const locks = new Map<string, Promise<unknown>>();

// Starts of one image remove and pull it one at a time, so one start never deletes the image another is pulling.
export function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const tail = next.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return next;
}
