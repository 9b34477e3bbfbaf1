import { access } from 'node:fs/promises';
import type { Instance, Prepared, ProbeResult, Runtime, StartContext } from '../types.js';
import type { FunctionSpec, Variant } from '../../scenario/variant.js';
import { ColdlabError, EXIT, errorMessage } from '../../util/errors.js';
import { type Docker, docker, engineAddress, engineAnswers, LABEL, RUN_LABEL } from './docker.js';
import type { ContainerInstance } from './instance.js';
import { listOciRuntimes, requireOciRuntime } from './ociRuntimes.js';
import { sandboxFactsOf } from './gvisor.js';
import { imageSpecOf, prepareImageFunction } from './imageFunction.js';
import { moduleOf } from '../moduleFunction.js';
import { RunArtifacts } from './prepare.js';
import { removeLeftoverRegistries } from './registry.js';
import { keepLiveAndCache, removeLabelled } from './sweep.js';
import { startContainer } from './start.js';
import { type ImageSpec, startExistingImage } from './existingImage.js';

export { listOciRuntimes } from './ociRuntimes.js';
export type { ImageSpec } from './existingImage.js';

const FIX = 'start a Docker engine (Debian: apt-get install docker.io; in a coldlab clone `sudo bash scripts/setup-docker.sh` installs and starts one), or set DOCKER_HOST to a running engine';

/** How long the warm-up start of a prewarm variant may take before it is given up (the real starts still have their own timeout). */
const WARM_UP_TIMEOUT_MS = 10_000;

/** Each instance is a container on a real Docker engine, from an image built locally from the host's Node. */
export class ContainerRuntime implements Runtime {
  readonly name = 'container' as const;
  private readonly live = new Map<string, Set<ContainerInstance>>();
  private artifacts: RunArtifacts | undefined;
  private cgroupVersion: Promise<string | undefined> | undefined;
  private engineAnswered = false;

  async probe(): Promise<ProbeResult> {
    try {
      const d = await docker();
      if (!(await engineAnswers(d))) return { usable: false, reason: `no Docker engine answers at ${engineAddress()}`, fix: FIX };
      const version: { Version?: string; ApiVersion?: string } = await d.version();
      const info: { CgroupVersion?: string; Driver?: string } = await d.info();
      const runtimes = await Promise.all((await listOciRuntimes()).map(async (name) => {
        const { facts } = await sandboxFactsOf(name);
        return facts['gvisor.platform'] ? `${name} (gVisor, platform ${facts['gvisor.platform']}, network ${facts['gvisor.network'] ?? '?'})` : name;
      }));
      return { usable: true, details: `docker ${version.Version ?? '?'} (API ${version.ApiVersion ?? '?'}), ${info.Driver ?? '?'}, cgroup v${info.CgroupVersion ?? '?'}, OCI runtimes: ${runtimes.join(', ') || 'none'}`, facts: { engine: version.Version ?? '?' } };
    } catch (error) {
      return { usable: false, reason: `the Docker engine at ${engineAddress()} failed: ${errorMessage(error)}`, fix: FIX };
    }
  }

  /** Builds (or finds) what the variant runs; the OCI runtime is the variant's, else COLDLAB_OCI_RUNTIME, else the engine's default. */
  async prepare(fn: FunctionSpec, variant: Variant, runId: string): Promise<Prepared> {
    const d = await this.engine();
    const ociRuntime = await requireOciRuntime(variant.ociRuntime ?? process.env.COLDLAB_OCI_RUNTIME);
    const oci = ociRuntime ? { ociRuntime } : {};
    const gvisor = await sandboxFactsOf(ociRuntime);
    const sandbox = Object.keys(gvisor.facts).length > 0 ? { sandbox: gvisor.facts } : {};
    if (fn.image !== undefined) {
      const data = await prepareImageFunction(d, { ...fn, image: fn.image });
      return this.warmedUp({ fn, variant, data: { ...data, ...oci }, notes: gvisor.notes, ...sandbox }, runId);
    }
    const mod = moduleOf(fn, this.name);
    await access(mod.path).catch(() => {
      throw new ColdlabError('FUNCTION_NOT_FOUND', `function module ${mod.path} does not exist`, 'check function.path in the scenario', EXIT.usage);
    });
    const data = await this.runArtifacts(d).data(mod, variant, runId);
    const notes = data.pullRef ? ['prewarm off: before each cold start the image is removed and pulled from a loopback registry'] : [];
    return this.warmedUp({ fn: mod, variant, data: { ...data, ...oci }, notes: [...notes, ...gvisor.notes], ...sandbox }, runId);
  }

  /**
   * Prewarm on: one container started and removed here, off the record, so the variant's first cold start does
   * not pay the engine's first use of this image and OCI runtime: in one run of scenarios/runtimes.yaml with
   * two repetitions (2026-12-06 12:19), runc's cold P50 was 541 ms as the run's first variant and 227 ms as
   * its third, so the order of the variants decided which sandbox looked faster.
   */
  private async warmedUp(prepared: Prepared, runId: string): Promise<Prepared> {
    if (!prepared.variant.prewarm) return prepared;
    // A function that cannot start fails its variant's own starts, with their records and their error; this
    // one only warms the engine, so it gives up quietly, and soon for one that never answers.
    const instance = await this.start(prepared, { instanceId: 'warm-up', runId, signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS) }).catch(() => undefined);
    if (!instance) return prepared;
    await instance.stop();
    prepared.notes.push('prewarm: one container of this image and OCI runtime was started and removed before the variant, off the record');
    return prepared;
  }

  async start(prepared: Prepared, ctx: StartContext): Promise<Instance> {
    const d = await this.engine();
    const image = imageSpecOf(prepared);
    const cgroupVersion = await this.cgroupVersionOf(d);
    return this.track(ctx.runId, image ? await startExistingImage(d, image, ctx, cgroupVersion) : await startContainer(d, prepared, ctx, cgroupVersion));
  }

  /** Starts an existing local image serving HTTP on spec.port instead of a function (removed by dispose(runId) too). */
  async startImage(spec: ImageSpec, ctx: StartContext): Promise<Instance> {
    const d = await this.engine();
    return this.track(ctx.runId, await startExistingImage(d, spec, ctx, await this.cgroupVersionOf(d)));
  }

  async dispose(runId: string): Promise<void> {
    const instances = [...(this.live.get(runId) ?? [])];
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    this.live.delete(runId);
    await this.artifacts?.disposeRun(runId);
    const d = await docker();
    if (await engineAnswers(d)) await removeLabelled(d, `${RUN_LABEL}=${runId}`);
  }

  /** Everything labelled coldlab=1 whose coldlab process is gone (containers, run images, registries); keeps the base image cache. */
  async cleanupLeftovers(): Promise<string[]> {
    const removed = await removeLeftoverRegistries();
    const d = await docker();
    if (await engineAnswers(d)) removed.push(...(await removeLabelled(d, LABEL, keepLiveAndCache(d))));
    return removed;
  }

  // Pings once: a ping on every start is a round trip on the cold path that a start by hand does not pay, and an
  // engine gone later still fails the create call with its own message.
  private async engine(): Promise<Docker> {
    const d = await docker();
    if (this.engineAnswered) return d;
    if (!(await engineAnswers(d))) {
      throw new ColdlabError('ENGINE_UNAVAILABLE', `no Docker engine answers at ${engineAddress()}`, FIX, EXIT.runtimeUnavailable);
    }
    this.engineAnswered = true;
    return d;
  }

  private track(runId: string, instance: ContainerInstance): ContainerInstance {
    const set = this.live.get(runId) ?? new Set<ContainerInstance>();
    this.live.set(runId, set);
    set.add(instance);
    void instance.exited.then(() => set.delete(instance));
    return instance;
  }

  private cgroupVersionOf(d: Docker): Promise<string | undefined> {
    this.cgroupVersion ??= d.info().then((i: { CgroupVersion?: string }) => i.CgroupVersion, () => undefined);
    return this.cgroupVersion;
  }

  private runArtifacts(d: Docker): RunArtifacts {
    this.artifacts ??= new RunArtifacts(d);
    return this.artifacts;
  }
}
