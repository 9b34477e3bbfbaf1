import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IO } from './io.js';
import type { ThresholdOutcome } from '../results/model.js';
import { writeFileAtomic } from '../results/store.js';
import type { GateReport } from '../gate/compare.js';
import { junitXml } from '../report/gate/junit.js';
import { gateMarkdown } from '../report/gate/markdown.js';
import type { VerdictParts } from '../gate/verdict.js';

export interface GateOutputs extends VerdictParts {
  thresholds?: readonly ThresholdOutcome[];
  gate?: GateReport;
  labels?: { baseline: string; candidate: string };
}

/**
 * Writes what CI reads: JUnit XML when asked, and the gate's section appended to `$GITHUB_STEP_SUMMARY`
 * (appended, so the run's own summary written before it stays).
 */
export async function writeGateOutputs(io: IO, outputs: GateOutputs, junitFile: string | undefined): Promise<void> {
  if (junitFile !== undefined) {
    const file = resolve(io.cwd, junitFile);
    await writeFileAtomic(file, junitXml(outputs));
    io.err(`junit:   ${file}\n`);
  }
  const summary = io.env['GITHUB_STEP_SUMMARY'];
  const hasContent = (outputs.thresholds?.length ?? 0) > 0 || outputs.gate !== undefined;
  if (summary && hasContent) await appendFile(summary, `${gateMarkdown(outputs)}\n`, 'utf8');
}
