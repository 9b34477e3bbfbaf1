import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults, writeResultsAtomic } from '../results/store.js';
import { mergeResults } from '../results/merge.js';
import { reportFailure } from './failure.js';
import { checkFileTarget } from './outputPath.js';
import { EXIT } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';

export async function mergeCommand(io: IO, files: string[], options: { out: string; verbose?: boolean }): Promise<number> {
  try {
    const out = resolve(io.cwd, options.out);
    checkFileTarget(out, '-o');
    const results = await Promise.all(files.map((f) => readResults(resolve(io.cwd, f))));
    const merged = mergeResults(results);
    await writeResultsAtomic(out, merged);
    io.out(terminalSafe(`merged ${files.length} results (${merged.variants.length} variants) into ${out}\n`));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
