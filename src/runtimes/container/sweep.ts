import type { Docker } from './docker.js';
import { KIND_LABEL, statusOf } from './docker.js';
import { removeContainer } from './instance.js';
import { OWNER_LABEL } from '../owner.js';
import { judgeOwner } from '../ownerIdentity.js';

/** Says whether something carrying these labels must stay. */
export type Keep = (labels: Record<string, string>) => boolean | Promise<boolean>;

/** Removes every container, then every image tag, carrying `label` (key or key=value) unless `keep` says so; returns what went. */
export async function removeLabelled(d: Docker, label: string, keep: Keep = () => false): Promise<string[]> {
  const removed: string[] = [];
  const filters = JSON.stringify({ label: [label] });
  for (const c of await d.listContainers({ all: true, filters })) {
    if (await keep(c.Labels ?? {})) continue;
    await removeContainer(d.getContainer(c.Id));
    removed.push(`container ${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}`);
  }
  for (const image of await d.listImages({ all: true, filters })) {
    if (await keep(image.Labels ?? {})) continue;
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

// Running (or restarting, paused) means its coldlab may still be at work; gone or stopped means it is not.
export async function containerRuns(d: Docker, id: string): Promise<boolean> {
  try {
    const info = (await d.getContainer(id).inspect()) as { State?: { Running?: boolean; Paused?: boolean; Restarting?: boolean } };
    return Boolean(info.State?.Running || info.State?.Paused || info.State?.Restarting);
  } catch (error) {
    if (statusOf(error) === 404) return false;
    // The engine could not say: leave the owner's things alone.
    return true;
  }
}

/**
 * Leftovers are what a finished or crashed coldlab left; the base image is a cache shared by runs, and the
 * runner image (`coldlab image build`) a product, not one. An owner is judged across pid namespaces
 * (ownerIdentity.ts): by pid in this namespace, by its container's state when it ran in another container,
 * and left alone when neither can be said (a task cannot see the node's pids).
 */
export function keepLiveAndCache(d: Docker): Keep {
  const asked = new Map<string, Promise<boolean>>();
  return async (labels) => {
    if (labels[KIND_LABEL] === 'base' || labels[KIND_LABEL] === 'runner') return true;
    const verdict = judgeOwner(labels, OWNER_LABEL);
    if (verdict.kind === 'ask-engine') {
      const answer = asked.get(verdict.container) ?? containerRuns(d, verdict.container);
      asked.set(verdict.container, answer);
      return answer;
    }
    return verdict.kind !== 'dead';
  };
}
