import { dirname, resolve } from 'node:path';
import type { IO } from './io.js';
import { readResults } from '../results/store.js';
import { writeReport } from '../report/write.js';
import { reportFailure } from './failure.js';
import { EXIT } from '../util/errors.js';

export async function reportCommand(io: IO, file: string, options: { out?: string }): Promise<number> {
  try {
    const path = resolve(io.cwd, file);
    const result = await readResults(path);
    const written = await writeReport(result, options.out ? resolve(io.cwd, options.out) : dirname(path));
    io.out(`report: ${written.html}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, false);
  }
}
