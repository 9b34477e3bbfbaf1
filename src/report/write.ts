import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../results/model.js';
import { renderHtml } from './html.js';
import { writeFileAtomic } from '../results/store.js';

/** Writes dir/index.html (atomically, so a browser refreshing mid-run never shows half a report). */
export async function writeReport(result: RunResult, dir: string): Promise<{ html: string }> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.html');
  await writeFileAtomic(file, await renderHtml(result));
  return { html: file };
}
