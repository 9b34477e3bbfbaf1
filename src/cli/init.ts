import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IO } from './io.js';
import { probeRuntime } from '../runtimes/probe.js';
import type { RuntimeName } from '../scenario/schema.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { reportFailure } from './failure.js';
import { starterScenario } from './initTemplate.js';

export interface InitOptions {
  out?: string;
  handler?: string;
  force?: boolean;
  verbose?: boolean;
}

// A Node handler runs on these; wasm needs a WebAssembly module, not a JavaScript file.
const NODE_RUNTIMES: readonly RuntimeName[] = ['process', 'container', 'microvm'];
const MODULE_EXTENSIONS = ['.mjs', '.cjs', '.js'];
const SCHEMA = fileURLToPath(new URL('../scenario.schema.json', import.meta.url));

// Paths in YAML read the same on every system: forward slashes, and ./ so a bare name is not mistaken for a package.
const portable = (path: string): string => {
  const slashed = path.split(sep).join('/');
  return slashed.startsWith('.') || slashed.startsWith('/') ? slashed : `./${slashed}`;
};

/** `coldlab init <handler>`: writes a commented starter scenario for the user's own function. */
export async function initCommand(io: IO, handlerFile: string, options: InitOptions): Promise<number> {
  try {
    const fn = resolve(io.cwd, handlerFile);
    if (!statSync(fn, { throwIfNoEntry: false })?.isFile()) {
      throw new ColdlabError('INIT_NO_HANDLER', `${handlerFile}: no such file`, 'name your function module, e.g. coldlab init ./src/handler.mjs', EXIT.usage);
    }
    if (!MODULE_EXTENSIONS.includes(extname(fn))) {
      throw new ColdlabError('INIT_NOT_A_MODULE', `${handlerFile} is not a JavaScript module (.mjs, .cjs or .js)`, 'coldlab init writes a scenario for a Node handler; for a Wasm module write function.wasm by hand (see coldlab schema)', EXIT.usage);
    }
    const out = resolve(io.cwd, options.out ?? 'coldlab.yaml');
    if (existsSync(out) && !options.force) {
      throw new ColdlabError('INIT_EXISTS', `${options.out ?? 'coldlab.yaml'} already exists`, 'pass --force to overwrite it, or -o another.yaml', EXIT.usage);
    }
    const probes = await Promise.all(NODE_RUNTIMES.map(async (runtime) => ({ runtime, probe: await probeRuntime(runtime) })));
    const usable = probes.filter((p) => p.probe.usable).map((p) => p.runtime);
    // A microVM is offered, not chosen, when a faster runtime works: under TCG each of its cold starts takes seconds.
    const chosen = usable.some((r) => r !== 'microvm') ? usable.filter((r) => r !== 'microvm') : usable;
    if (chosen.length === 0) {
      throw new ColdlabError('INIT_NO_RUNTIME', 'no runtime for a Node handler is usable here', 'run `coldlab doctor` to see why and how to fix it', EXIT.runtimeUnavailable);
    }
    const skipped = probes.flatMap((p) => (p.probe.usable ? [] : [{ runtime: p.runtime, reason: p.probe.reason }]));
    const folder = dirname(out);
    const text = starterScenario({
      name: basename(fn, extname(fn)).replace(/[^A-Za-z0-9._-]+/g, '-') || 'my-function',
      path: portable(relative(folder, fn)),
      handler: options.handler ?? 'handler',
      runtimes: chosen,
      skipped,
      optional: usable.filter((r) => !chosen.includes(r)),
      file: relative(io.cwd, out) || out,
      // Only an installed package's schema: a path into someone's clone would not travel with the project.
      ...(existsSync(SCHEMA) && SCHEMA.includes(`${sep}node_modules${sep}`) ? { schema: portable(relative(folder, SCHEMA)) } : {}),
    });
    await mkdir(folder, { recursive: true });
    await writeFile(out, text, 'utf8');
    io.out(`wrote ${relative(io.cwd, out) || out}: runtimes ${chosen.join(', ')}; check it with \`coldlab run ${relative(io.cwd, out) || out} --dry-run\`\n`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
