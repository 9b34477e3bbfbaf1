import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults, writeResultsAtomic } from '../results/store.js';
import { mergeResults } from '../results/merge.js';
import { reportFailure } from './failure.js';
import { EXIT } from '../util/errors.js';

export async function mergeCommand(io: IO, files: string[], options: { out: string }): Promise<number> {
  try {
    const results = await Promise.all(files.map((f) => readResults(resolve(io.cwd, f))));
    const merged = mergeResults(results);
    const out = resolve(io.cwd, options.out);
    await writeResultsAtomic(out, merged);
    io.out(`merged ${files.length} results (${merged.variants.length} variants) into ${out}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, false);
  }
}
