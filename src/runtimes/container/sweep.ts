import type { Docker } from './docker.js';
import { KIND_LABEL, statusOf } from './docker.js';
import { removeContainer } from './instance.js';
import { OWNER_LABEL, ownerAlive } from '../owner.js';

/** Says whether something carrying these labels must stay. */
export type Keep = (labels: Record<string, string>) => boolean;

/** Removes every container, then every image tag, carrying `label` (key or key=value) unless `keep` says so; returns what went. */
export async function removeLabelled(d: Docker, label: string, keep: Keep = () => false): Promise<string[]> {
  const removed: string[] = [];
  const filters = JSON.stringify({ label: [label] });
  for (const c of await d.listContainers({ all: true, filters })) {
    if (keep(c.Labels ?? {})) continue;
    await removeContainer(d.getContainer(c.Id));
    removed.push(`container ${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}`);
  }
  for (const image of await d.listImages({ all: true, filters })) {
    if (keep(image.Labels ?? {})) continue;
    const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    for (const ref of tags.length > 0 ? tags : [image.Id]) {
      try {
        await d.getImage(ref).remove({ force: true });
        removed.push(`image ${ref}`);
      } catch (error) {
        // 404: went with an earlier tag; 409: still used by a container another run owns.
        if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
      }
    }
  }
  return removed;
}

/** Leftovers are what a finished or crashed coldlab left; the base image is a cache shared by runs, and the runner image (`coldlab image build`) a product, not one. */
export const keepLiveAndCache: Keep = (labels) => labels[KIND_LABEL] === 'base' || labels[KIND_LABEL] === 'runner' || ownerAlive(Number(labels[OWNER_LABEL]));
