import type { Advice } from './index.js';
import { textTable, type Align } from '../present/textTable.js';
import { eventsAdviceText } from './events.js';
import { MEMORY_HEAD, WARM_POOL_HEAD, keepAliveLabel, keepAliveText, memoryCells, memoryHeading, memoryPicksText, prewarmText, pricesLine, warmPoolCells, warmPoolText } from './words.js';

const MEMORY_ALIGN: Align[] = ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];

/** The recommendations for a terminal: what `coldlab run` ends with and `coldlab advise` prints. */
export function formatAdvice(advice: Advice): string {
  const lines = ['Recommendations', `  ${pricesLine(advice)}`];
  for (const m of advice.memory) {
    lines.push('', `  ${memoryHeading(m)}`, textTable([MEMORY_HEAD, ...m.rows.map((r) => memoryCells(r, advice.prices))], MEMORY_ALIGN, '    '));
    for (const pick of memoryPicksText(m, advice.prices)) lines.push(`    → ${pick}`);
  }
  for (const w of advice.warmPool) {
    lines.push('', `  Warm pool${w.context ? ` (${w.context})` : ''}: measured rows, the rest predicted by replaying the run`);
    if (w.predicted.length > 0) lines.push(textTable([WARM_POOL_HEAD, ...w.predicted.map((p) => warmPoolCells(p, advice.prices))], ['right', 'left', 'right', 'right', 'right', 'left'], '    '));
    for (const line of warmPoolText(w, advice.prices)) lines.push(`    → ${line}`);
  }
  if (advice.keepAlive.length > 0) {
    lines.push('', '  Keep-alive what-if (the run\'s own arrivals replayed through the pool\'s policy)');
    for (const k of advice.keepAlive) lines.push(`    ${keepAliveLabel(k)}: ${keepAliveText(k)}`);
  }
  if (advice.prewarm.length > 0) {
    lines.push('', '  Prewarm');
    for (const p of advice.prewarm) lines.push(`    → ${prewarmText(p, advice.prices)}`);
  }
  if (advice.events.length > 0) {
    lines.push('', '  Event trigger (ack wait, maxAckPending)');
    for (const e of advice.events) lines.push(`    ${e.variant}`, ...eventsAdviceText(e).map((l) => `    → ${l}`));
  }
  if (advice.missing.length > 0) {
    lines.push('', '  Not advised');
    for (const m of advice.missing) lines.push(`    - ${m}`);
  }
  if (advice.excluded.length > 0) {
    lines.push('', `  Not used (${advice.excluded.length} variant(s) invalid or failed: their figures cannot be trusted)`);
    for (const e of advice.excluded) lines.push(`    - ${e.variant}: ${e.status}`);
  }
  return lines.join('\n');
}
