// Writes the results files of the hostile corpus from one small sample run: `npx tsx test/data/hostile/results/make.mts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleRunResult } from '../../../helpers/sampleResult.js';

const dir = import.meta.dirname;
const base = sampleRunResult({ runId: 'hostile-a', variants: [{ timeline: 'counts', phases: [{ name: 'steady', rate: 10, durationMs: 2_000, warm: 18, cold: 2 }] }] });
const json = (value: unknown): string => `${JSON.stringify(value, null, 1)}\n`;
const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);
const edit = (change: (r: any) => void): unknown => {
  const copy = JSON.parse(JSON.stringify(base));
  change(copy);
  return copy;
};

write('valid.json', json(base));
write('valid-copy.json', json(base));
write('other-run.json', json(edit((r) => (r.runId = 'hostile-b'))));
write('other-scenario.json', json(edit((r) => ((r.runId = 'hostile-c'), (r.scenario.name = 'another\u001b[2J scenario')))));
write('not-json.json', '{"schemaVersion": 1, "variants": [\n');
write('newer-version.json', json(edit((r) => (r.schemaVersion = 99))));
write('wrong-type.json', json(edit((r) => (r.variants[0].phases[0].sent = 'many'))));
write('bad-histogram.json', json(edit((r) => (r.variants[0].phases[0].latency.warm.corrected.encoded = 'not a histogram'))));
write('count-mismatch.json', json(edit((r) => (r.variants[0].phases[0].latency.warm.corrected.count = 1_000_000))));
write('negative-count.json', json(edit((r) => (r.variants[0].instances[0].requests = -5))));
// JSON.parse reads 1e400 as Infinity: a number no results file can hold.
write('infinite.json', json(edit((r) => (r.variants[0].durationMs = 1234.5))).replace('1234.5', '1e400'));
write('unknown-status.json', json(edit((r) => (r.variants[0].status = 'great'))));
