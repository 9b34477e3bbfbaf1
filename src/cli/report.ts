import { dirname, resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import { writeReport } from '../report/write.js';
import { reportFailure } from './failure.js';
import { checkFolderTarget } from './outputPath.js';
import { EXIT } from '../util/errors.js';
import { terminalSafe } from '../util/terminal.js';

export async function reportCommand(io: IO, file: string, options: { out?: string; verbose?: boolean }): Promise<number> {
  try {
    const path = resolve(io.cwd, file);
    const out = options.out ? resolve(io.cwd, options.out) : dirname(path);
    if (options.out) checkFolderTarget(out, '-o');
    const result = await readResults(path);
    const written = await writeReport(result, out);
    io.out(terminalSafe(`report: ${written.html}\n`));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
