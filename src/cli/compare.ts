import { dirname, join, resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults, writeFileAtomic } from '../results/store.js';
import { compareRuns, formatComparison, renderComparisonHtml } from '../report/compare.js';
import { costsByKey } from '../billing/variantCost.js';
import { terminalSafe } from '../util/terminal.js';
import { reportFailure } from './failure.js';
import { EXIT } from '../util/errors.js';
import { crossHostPairs, describeCrossHost } from '../results/hosts.js';

/** `coldlab compare a.json b.json`: two runs side by side, in the terminal and as compare.html. */
export async function compareCommand(io: IO, fileA: string, fileB: string, options: { out?: string; json?: boolean; verbose?: boolean }): Promise<number> {
  try {
    const [a, b] = await Promise.all([readResults(resolve(io.cwd, fileA)), readResults(resolve(io.cwd, fileB))]);
    const out = options.out ? resolve(io.cwd, options.out) : join(dirname(resolve(io.cwd, fileB)), 'compare.html');
    await writeFileAtomic(out, renderComparisonHtml(a, b));
    if (options.json) {
      const run = (r: typeof a) => ({ runId: r.runId, scenario: r.scenario.name, startedAt: r.startedAt });
      const compared = compareRuns(a, b);
      // Both sides at A's prices, as the table: the same figure advise --json and gate --json give for a run.
      const costs = { a: costsByKey(a.variants, compared.prices), b: costsByKey(b.variants, compared.prices) };
      io.out(`${JSON.stringify({ a: run(a), b: run(b), ...compared, costs, report: out }, null, 2)}\n`);
    } else io.out(terminalSafe(`${formatComparison(a, b)}\n`) + `report: ${out}\n`);
    const crossing = crossHostPairs(a, b);
    if (crossing.length > 0) io.err(terminalSafe(`coldlab: warning: A and B ran on hosts of different classes; the differences include the hosts':\n${describeCrossHost(crossing)}\n`));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
