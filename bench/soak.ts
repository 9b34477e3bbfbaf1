// `npm run bench -- soak` (issue 13, point 4): a long steady run through the whole lab, as a user runs it
// (`coldlab run` from the built dist/, a process of its own, not this tsx process with its source-mapped
// stack traces), watching that process's resident memory and open file descriptors from /proc, then the
// size of results.json and the time a fresh `coldlab report` process takes on it. BENCH_SOAK_RATE and
// BENCH_SOAK_S set the steady load (default 1,000 req/s for 20 s; the 10 million requests are e.g.
// BENCH_SOAK_RATE=5000 BENCH_SOAK_S=2000), after a RAMP_S-second ramp up to it.
import { readdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { nowUs } from '../src/util/clock.js';
import { stats } from './stats.js';

export interface SoakBench {
  rate: number;
  seconds: number;
  /** Resident memory of the `coldlab run` process a quarter into the load (after warm-up growth) and at its end, MB. */
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  fdsStart: number;
  fdsEnd: number;
  /**
   * Median open-fd count in the first and in the second half of the sampled window: a leak raises the
   * second. The median, not the peak: a stall's backlog goes out on new connections (an open-loop sender
   * never holds requests back), two fds each with both ends in this process, closed again after 5 s idle,
   * so the peak of a half is the worst stall in it, not a trend.
   */
  fdsMedianFirstHalf: number;
  fdsMedianSecondHalf: number;
  /** Highest open-fd count in each half: what the worst stall in it opened. */
  fdsPeakFirstHalf: number;
  fdsPeakSecondHalf: number;
  exitCode: number;
  /** Why the run's variant was marked invalid, as results.json says (empty when it was valid). */
  invalidReasons: string[];
  /** Each phase's send lag P99 and max, ms, from results.json. */
  phaseLags: Array<{ name: string; p99Ms: number; maxMs: number }>;
  resultsBytesPerVariant: number;
  reportMs: number;
}

const fdCount = async (pid: number): Promise<number> => (await readdir(`/proc/${pid}/fd`)).length;
// VmRSS from /proc/<pid>/status, in kB.
const rssMb = async (pid: number): Promise<number> => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

// The instance and the gateway start with cold JIT: 5,000 req/s from the first millisecond queued thousands
// of requests in the first 4 s and the run was marked invalid (seen here). A ramp warms them as a user would.
export const RAMP_S = 10;

// One instance with room for any backlog: at 5,000 req/s on 2 cores a scale-out's cold start took the CPU the
// lab needed and in-flight requests grew until the run failed (seen here), and the soak is about the lab's own
// memory and descriptors, not about scale-out.
function scenario(rate: number, seconds: number): string {
  return `name: soak
function:
  path: ${resolve('fixtures/functions/hello.mjs')}
runtimes: [process]
matrix:
  memoryMb: 1769
  provisionedConcurrency: 1
  instanceConcurrency: 1000
  maxInstances: 1
  keepAliveMs: 60s
phases:
  - name: warmup
    kind: ramp
    from: ${Math.min(100, rate)}
    to: ${rate}
    duration: ${RAMP_S}s
  - name: soak
    kind: constant
    rate: ${rate}
    duration: ${seconds}s
requestTimeoutMs: 10s
`;
}

// The parts of results.json the soak reports: why its variant was invalid, and each phase's send lag.
function verdictOf(results: unknown): Pick<SoakBench, 'invalidReasons' | 'phaseLags'> {
  type Phase = { name?: string; sendLag?: { p99Us?: number; maxUs?: number } };
  type Variant = { invalidReasons?: string[]; phases?: Phase[] };
  const variants = ((results ?? {}) as { variants?: Variant[] }).variants ?? [];
  return {
    invalidReasons: variants.flatMap((v) => v.invalidReasons ?? []),
    phaseLags: variants.flatMap((v) => (v.phases ?? []).map((p) => ({ name: p.name ?? '?', p99Ms: (p.sendLag?.p99Us ?? NaN) / 1000, maxMs: (p.sendLag?.maxUs ?? NaN) / 1000 }))),
  };
}

export async function benchSoak(rate: number, seconds: number): Promise<SoakBench> {
  const dir = await mkdtemp(join(tmpdir(), 'coldlab-soak-'));
  const file = join(dir, 'soak.yaml');
  await writeFile(file, scenario(rate, seconds));
  const samples: Array<{ rss: number; fds: number }> = [];
  // From a quarter into the load (JIT, heap and histograms have grown to size) to its scheduled end, every
  // second; teardown afterwards closes sockets and would flatter the end figures.
  const fromMs = RAMP_S * 1000 + Math.max(2000, (seconds * 1000) / 4);
  const untilMs = (RAMP_S + seconds) * 1000;
  // Built first: bin/coldlab.mjs runs dist/, for the run as for the report.
  await execa('npm', ['run', 'build'], { stdio: 'ignore' });
  const run = execa(process.execPath, [resolve('bin/coldlab.mjs'), 'run', file, '--out', dir, '--json'], { reject: false, all: true });
  const pid = run.pid;
  if (pid === undefined) throw new Error('`coldlab run` did not start');
  let timer: NodeJS.Timeout | undefined;
  const begin = setTimeout(() => {
    const t0 = Date.now();
    timer = setInterval(() => {
      if (Date.now() - t0 > untilMs - fromMs) return clearInterval(timer);
      void Promise.all([rssMb(pid), fdCount(pid)]).then(
        ([rss, fds]) => {
          samples.push({ rss, fds });
          if (process.env.BENCH_SOAK_TRACE) console.error(`${samples.length} s: rss ${rss.toFixed(0)} MB fds ${fds}`);
        },
        () => undefined, // the run ended between two samples
      );
    }, 1000);
  }, fromMs);
  try {
    const done = await run;
    const exitCode = done.exitCode ?? -1;
    clearTimeout(begin);
    clearInterval(timer);
    const runDir = (await readdir(dir, { withFileTypes: true })).find((e) => e.isDirectory());
    if (!runDir) throw new Error(`the soak run wrote no results (exit code ${exitCode}):\n${String(done.all ?? '')}`);
    const results = join(dir, runDir.name, 'results.json');
    const bytes = (await stat(results)).size;
    const { invalidReasons, phaseLags } = verdictOf(JSON.parse(await readFile(results, 'utf8')) as unknown);
    // A fresh `coldlab report` process, as a user runs it: Node's start and module loading count too.
    const started = nowUs();
    await execa(process.execPath, [resolve('bin/coldlab.mjs'), 'report', results, '--out', join(dir, 'report')], { stdio: 'ignore' });
    const reportMs = (nowUs() - started) / 1000;
    const first = samples[0] ?? { rss: NaN, fds: NaN };
    const last = samples.at(-1) ?? first;
    const half = Math.ceil(samples.length / 2);
    const firstFds = stats(samples.slice(0, half).map((s) => s.fds));
    const secondFds = stats(samples.slice(half).map((s) => s.fds));
    return {
      rate,
      seconds,
      rssStartMb: first.rss,
      rssEndMb: last.rss,
      rssPeakMb: Math.max(...samples.map((s) => s.rss)),
      fdsStart: first.fds,
      fdsEnd: last.fds,
      fdsMedianFirstHalf: firstFds.p50,
      fdsMedianSecondHalf: secondFds.p50,
      fdsPeakFirstHalf: firstFds.max,
      fdsPeakSecondHalf: secondFds.max,
      exitCode,
      invalidReasons,
      phaseLags,
      resultsBytesPerVariant: bytes,
      reportMs,
    };
  } finally {
    run.kill();
    clearTimeout(begin);
    clearInterval(timer);
    await rm(dir, { recursive: true, force: true });
  }
}
