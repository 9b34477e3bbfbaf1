import { ColdlabError } from '../util/errors.js';

/**
 * The bootstrap's account of why a function cannot start (runners/node/bootstrap.mjs prints it as one JSON
 * line on stderr): the missing export, or the import's exception with its place in the function's file.
 * Found in whatever an instance left behind (process stderr, container logs); undefined when absent.
 */
export function initErrorIn(output: string): ColdlabError | undefined {
  for (const line of output.split('\n').reverse()) {
    const at = line.indexOf('{"coldlab":"init-error"');
    if (at < 0) continue;
    try {
      const parsed: unknown = JSON.parse(line.slice(at));
      if (typeof parsed !== 'object' || parsed === null) continue;
      const { code, message, hint } = parsed as Record<string, unknown>;
      if (typeof code === 'string' && typeof message === 'string') return new ColdlabError(code, message, typeof hint === 'string' ? hint : '');
    } catch {
      // A line that only looks like one: keep looking.
    }
  }
  return undefined;
}
