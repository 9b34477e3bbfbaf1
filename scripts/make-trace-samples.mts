// Writes the small synthetic trace samples in fixtures/traces/ (seeded: the same files on every run).
//   npx tsx scripts/make-trace-samples.mts
// They follow the published Azure Functions formats (2019: invocations_per_function_md.anon.dNN.csv,
// 2021: AzureFunctionsInvocationTrace2021) with made-up functions, so tests and scenarios need no download.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../src/util/prng.js';

const random = mulberry32(2019);
const hash = (name: string): string => createHash('sha256').update(name).digest('hex');

// Knuth's method: fine for the small means used here.
function poisson(mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

const MINUTES = 1440;
const diurnal = (m: number): number => 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / MINUTES);
const functions2019: { name: string; trigger: string; perMinute(m: number): number }[] = [
  { name: 'api-gateway', trigger: 'http', perMinute: (m) => poisson(10 + 30 * diurnal(m)) },
  { name: 'nightly-timer', trigger: 'timer', perMinute: (m) => (m % 5 === 0 ? 1 : 0) },
  // Bursts of work every 30 minutes, silence between: the case keep-alive policies are about.
  { name: 'queue-batch', trigger: 'queue', perMinute: (m) => (m % 30 < 2 ? poisson(120) : 0) },
  // Busy for 3 minutes, quiet for 2: replayed compressed, it has idle gaps longer than a short keep-alive.
  { name: 'checkout', trigger: 'http', perMinute: (m) => (m % 5 < 3 ? poisson(8) : 0) },
  { name: 'rare-event', trigger: 'event', perMinute: () => poisson(0.05) },
  { name: 'orchestrator', trigger: 'orchestration', perMinute: () => poisson(2.5) },
];
const header = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger', ...Array.from({ length: MINUTES }, (_, i) => String(i + 1))];
const rows = functions2019.map((f, i) => [hash(`owner-${i % 3}`), hash(`app-${i % 4}`), hash(f.name), f.trigger, ...Array.from({ length: MINUTES }, (_, m) => String(f.perMinute(m)))]);
writeFileSync('fixtures/traces/azure2019-sample.csv', `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`);

// 2021: 40 minutes of invocations of four functions, durations log-normal around their median.
const SECONDS = 40 * 60;
const functions2021 = [
  { app: 'shop', func: 'cart', rate: 0.3, medianS: 0.05 },
  { app: 'shop', func: 'search', rate: 0.1, medianS: 0.2 },
  { app: 'media', func: 'thumbnail', rate: 0.02, medianS: 1.5 },
  { app: 'ops', func: 'healthcheck', rate: 1 / 60, medianS: 0.01 },
];
const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const invocations: { app: string; func: string; end: number; duration: number }[] = [];
for (const f of functions2021) {
  for (let t = -Math.log(1 - random()) / f.rate; t < SECONDS; t += -Math.log(1 - random()) / f.rate) {
    const duration = f.medianS * Math.exp(0.5 * gaussian());
    invocations.push({ app: hash(f.app), func: hash(`${f.app}/${f.func}`), end: t + duration, duration });
  }
}
invocations.sort((a, b) => a.end - b.end);
const lines = invocations.map((v) => `${v.app},${v.func},${v.end.toFixed(6)},${v.duration.toFixed(6)}`);
writeFileSync('fixtures/traces/azure2021-sample.csv', `app,func,end_timestamp,duration\n${lines.join('\n')}\n`);
console.log(`azure2019-sample.csv: ${rows.length} functions × ${MINUTES} minutes; azure2021-sample.csv: ${invocations.length} invocations`);
