import type { RuntimeName } from '../scenario/schema.js';
import type { ProbeResult } from './types.js';
import { getRuntime, knownRuntimes } from './registry.js';
import { errorMessage } from '../util/errors.js';

/** A runtime's probe, with runtimes this build does not have and runtimes that fail to load reported the same way. */
export async function probeRuntime(name: RuntimeName): Promise<ProbeResult> {
  if (!knownRuntimes().includes(name)) {
    return { usable: false, reason: `the ${name} runtime is not implemented in this version of coldlab`, fix: `use one of: ${knownRuntimes().join(', ')}` };
  }
  try {
    return await (await getRuntime(name)).probe();
  } catch (error) {
    return { usable: false, reason: errorMessage(error), fix: 'reinstall coldlab (npm ci)' };
  }
}
