import { resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import { advise } from '../advise/index.js';
import { formatAdvice } from '../advise/text.js';
import { loadPricesFile } from '../scenario/pricesFile.js';
import { reportFailure } from './failure.js';
import { EXIT } from '../util/errors.js';
import { hostClassesOf } from '../results/hosts.js';
import { terminalSafe } from '../util/terminal.js';

export interface AdviseOptions {
  prices?: string;
  json?: boolean;
  verbose?: boolean;
}

/** `coldlab advise <results.json>`: the recommendations of a finished run, at its own prices or a file's. */
export async function adviseCommand(io: IO, file: string, options: AdviseOptions): Promise<number> {
  try {
    const pricesOverride = options.prices ? await loadPricesFile(resolve(io.cwd, options.prices)) : undefined;
    const result = await readResults(resolve(io.cwd, file));
    const advice = advise(result, pricesOverride ? { pricesOverride } : {});
    io.out(options.json ? `${JSON.stringify(advice, null, 2)}\n` : `${formatAdvice(advice)}\n`);
    // Advice compares variants with each other: across host classes, part of each difference is the hosts'.
    const classes = hostClassesOf(result);
    if (classes.size > 1) io.err(terminalSafe(`coldlab: warning: the variants ran on ${classes.size} host classes (${[...classes.values()].join(', ')}); advice that compares them measures the hosts too\n`));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
