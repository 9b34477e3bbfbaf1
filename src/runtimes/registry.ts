import type { RuntimeName } from '../scenario/schema.js';
import type { Runtime } from './types.js';
import { ColdlabError, EXIT } from '../util/errors.js';

// One name → factory map; heavy clients (dockerode, QEMU helpers) load only when a run needs them.
const factories = new Map<RuntimeName, () => Promise<Runtime>>();

export function registerRuntime(name: RuntimeName, factory: () => Promise<Runtime>): void {
  if (factories.has(name)) throw new Error(`runtime "${name}" registered twice`);
  factories.set(name, factory);
}

registerRuntime('process', async () => new (await import('./process/runtime.js')).ProcessRuntime());
registerRuntime('container', async () => new (await import('./container/runtime.js')).ContainerRuntime());
registerRuntime('microvm', async () => new (await import('./microvm/runtime.js')).MicrovmRuntime());
registerRuntime('wasm', async () => new (await import('./wasm/runtime.js')).WasmRuntime());

const cache = new Map<RuntimeName, Promise<Runtime>>();

export function knownRuntimes(): RuntimeName[] {
  return [...factories.keys()];
}

export function getRuntime(name: RuntimeName): Promise<Runtime> {
  const factory = factories.get(name);
  if (!factory) {
    throw new ColdlabError('RUNTIME_UNKNOWN', `runtime "${name}" is not available in this build of coldlab`, `available: ${knownRuntimes().join(', ')}`, EXIT.runtimeUnavailable);
  }
  let runtime = cache.get(name);
  if (!runtime) {
    runtime = factory();
    cache.set(name, runtime);
  }
  return runtime;
}
