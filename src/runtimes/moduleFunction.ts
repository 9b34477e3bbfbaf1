import type { FunctionSpec } from '../scenario/variant.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/** A function given as a handler module: what runtimes that boot it with coldlab's bootstrap need. */
export type ModuleFunction = FunctionSpec & { path: string };

// Scenario checks keep images away from runtimes that cannot run them; this says so plainly if a caller skips them.
export function moduleOf(fn: FunctionSpec, runtime: string): ModuleFunction {
  if (fn.path === undefined) {
    throw new ColdlabError(
      'FUNCTION_NOT_A_MODULE',
      `the ${runtime} runtime runs a handler module, and the scenario names an image${fn.image ? ` (${fn.image})` : ''}`,
      'give function.path (a module exporting the handler), or run the image with runtimes: container',
      EXIT.usage,
    );
  }
  return { ...fn, path: fn.path };
}
