import type { Variant } from '../../scenario/variant.js';
import type { ModuleFunction } from '../moduleFunction.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import type { Docker } from './docker.js';
import { ensureFunctionImage } from './images.js';
import { type LoopbackRegistry, startRegistry, stopRegistry } from './registry.js';
import { pushToRegistry } from './transfer.js';

/** What start() reads from Prepared.data (kept as plain fields so results can record them). */
export interface ContainerData {
  /** Reference to create containers from (the registry reference when prewarm is off). */
  image: string;
  /** Set when prewarm is off: remove and pull this reference before each start. */
  pullRef?: string;
  fnPath: string;
  ociRuntime?: string;
  startTimeoutMs?: number;
}

export function readData(data: Record<string, unknown>): ContainerData {
  const { image, pullRef, fnPath, ociRuntime, startTimeoutMs } = data;
  if (typeof image !== 'string' || typeof fnPath !== 'string') {
    throw new ColdlabError('CONTAINER_NOT_PREPARED', 'container start called without a prepared image', 'call prepare() first', EXIT.internal);
  }
  return {
    image,
    fnPath,
    ...(typeof pullRef === 'string' ? { pullRef } : {}),
    ...(typeof ociRuntime === 'string' ? { ociRuntime } : {}),
    ...(typeof startTimeoutMs === 'number' ? { startTimeoutMs } : {}),
  };
}

// Images and the registry are made once per run and function, however many variants and repetitions ask.
export class RunArtifacts {
  private readonly images = new Map<string, Promise<ContainerData>>();
  private readonly registries = new Map<string, Promise<LoopbackRegistry>>();

  constructor(private readonly d: Docker) {}

  data(fn: ModuleFunction, variant: Variant, runId: string): Promise<ContainerData> {
    const key = `${runId}\0${fn.path}\0${variant.prewarm}`;
    let made = this.images.get(key);
    if (!made) {
      made = this.make(fn, variant.prewarm, runId);
      this.images.set(key, made);
      made.catch(() => this.images.delete(key));
    }
    return made;
  }

  async disposeRun(runId: string): Promise<void> {
    for (const key of [...this.images.keys()]) if (key.startsWith(`${runId}\0`)) this.images.delete(key);
    const registry = this.registries.get(runId);
    this.registries.delete(runId);
    const started = registry ? await registry.catch(() => undefined) : undefined;
    if (started) await stopRegistry(started).catch(() => undefined);
  }

  private async make(fn: ModuleFunction, prewarm: boolean, runId: string): Promise<ContainerData> {
    const image = await ensureFunctionImage(this.d, fn, runId, !prewarm).catch((error: unknown) => {
      throw new ColdlabError('IMAGE_BUILD_FAILED', `could not build the image of ${fn.path}: ${errorMessage(error)}`, 'check that the engine answers (`coldlab doctor`) and the function folder is readable', EXIT.runtimeUnavailable, { cause: error });
    });
    if (prewarm) return { image: image.ref, fnPath: image.fnPath };
    const registry = await this.registry(runId);
    const pullRef = await pushToRegistry(this.d, registry, image).catch((error: unknown) => {
      throw new ColdlabError('IMAGE_PUSH_FAILED', `could not push ${image.ref} to the loopback registry ${registry.address}: ${errorMessage(error)}`, 'see the registry log under the coldlab cache folder', EXIT.runtimeUnavailable, { cause: error });
    });
    return { image: pullRef, pullRef, fnPath: image.fnPath };
  }

  private registry(runId: string): Promise<LoopbackRegistry> {
    let registry = this.registries.get(runId);
    if (!registry) {
      registry = startRegistry(runId);
      this.registries.set(runId, registry);
      registry.catch(() => this.registries.delete(runId));
    }
    return registry;
  }
}
