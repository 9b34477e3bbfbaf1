import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveTrace, type TracePhase, type TraceReplay } from '../../src/scenario/trace/schedule.js';
import { scheduleOffsetsUs, phaseDurationMs, targetRate } from '../../src/load/schedule.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';

const SAMPLE_2019 = resolve('fixtures/traces/azure2019-sample.csv');
const SAMPLE_2021 = resolve('fixtures/traces/azure2021-sample.csv');
const HELLO = resolve('fixtures/functions/hello.mjs');

const phase = (extra: Partial<TracePhase>): TracePhase => ({ kind: 'trace', file: SAMPLE_2019, select: { rank: 1 }, spread: 'poisson', compress: 1, ...extra });

function replayOf(p: TracePhase): TraceReplay {
  const outcome = resolveTrace(p);
  if (!('replay' in outcome)) throw new Error(JSON.stringify(outcome));
  return outcome.replay;
}

// Arrivals per replayed minute, counted back from the offsets.
function countPerMinute(offsets: Float64Array, minuteUs: number, minutes: number): number[] {
  const counts = new Array<number>(minutes).fill(0);
  for (const t of offsets) counts[Math.floor(t / minuteUs)]! += 1;
  return counts;
}

// The sample's rows as written: HashFunction → counts of minutes 1…1440.
const rows2019 = readFileSync(SAMPLE_2019, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

describe('Azure Functions 2019 trace replay', () => {
  it.each(['poisson', 'uniform', 'equidistant'] as const)('keeps every minute\'s count exactly when spreading (%s), compressed and windowed', (spread) => {
    const replay = replayOf(phase({ spread, compress: 60, fromMinute: 100, toMinute: 160, select: 'all' }));
    const expected = Array.from({ length: 61 }, (_, m) => rows2019.reduce((sum, row) => sum + Number(row[4 + 99 + m]), 0));
    expect(countPerMinute(replay.offsetsUs, 1_000_000, 61)).toEqual(expected);
    expect(replay.durationMs).toBe(61_000);
    for (let i = 1; i < replay.offsetsUs.length; i++) expect(replay.offsetsUs[i]!).toBeGreaterThanOrEqual(replay.offsetsUs[i - 1]!);
  });

  it('selects by rank of volume, by hash prefix, or all merged', () => {
    const totals = rows2019.map((row) => ({ hash: row[2]!, total: row.slice(4).reduce((s, v) => s + Number(v), 0) })).sort((a, b) => b.total - a.total);
    const second = replayOf(phase({ select: { rank: 2 }, fromMinute: 1, toMinute: 1440 }));
    expect(second.offsetsUs.length).toBe(totals[1]!.total);
    const byHash = replayOf(phase({ select: { hash: totals[1]!.hash.slice(0, 10) } }));
    expect(byHash.offsetsUs).toEqual(second.offsetsUs);
    expect(replayOf(phase({ select: 'all' })).offsetsUs.length).toBe(totals.reduce((s, t) => s + t.total, 0));
  });

  it('is reproducible from its seed; spreads differ', () => {
    const a = replayOf(phase({ seed: 3, toMinute: 30 })).offsetsUs;
    expect(replayOf(phase({ seed: 3, toMinute: 30 })).offsetsUs).toEqual(a);
    expect(replayOf(phase({ seed: 4, toMinute: 30 })).offsetsUs).not.toEqual(a);
    const even = replayOf(phase({ spread: 'equidistant', toMinute: 1 })).offsetsUs;
    expect(even[1]! - even[0]!).toBeCloseTo(60_000_000 / even.length, 3);
  });

  it('drives the open-loop schedule: offsets, duration and rate of a trace phase', () => {
    const p = phase({ compress: 60, toMinute: 20 });
    const offsets = scheduleOffsetsUs(p);
    expect(phaseDurationMs(p)).toBe(20_000);
    expect(targetRate(p)).toBeCloseTo(offsets.length / 20, 6);
  });
});

describe('Azure Functions 2021 trace replay', () => {
  const rows = readFileSync(SAMPLE_2021, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const starts = rows.map((r) => ({ func: r[1]!, start: Number(r[2]) - Number(r[3]) }));

  it('replays start = end − duration, per minute exactly, compressed', () => {
    const replay = replayOf({ kind: 'trace', file: SAMPLE_2021, select: 'all', spread: 'poisson', compress: 30, fromMinute: 2, toMinute: 11 });
    const expected = Array.from({ length: 10 }, (_, m) => starts.filter((s) => s.start >= (m + 1) * 60 && s.start < (m + 2) * 60).length);
    expect(countPerMinute(replay.offsetsUs, 2_000_000, 10)).toEqual(expected);
    expect([...replay.perMinute]).toEqual(expected);
    expect(replay.durationMs).toBe(20_000);
  });

  it('selects one function by rank', () => {
    const replay = replayOf({ kind: 'trace', file: SAMPLE_2021, select: { rank: 1 }, spread: 'poisson', compress: 1 });
    const byFunc = new Map<string, number>();
    for (const s of starts) byFunc.set(s.func, (byFunc.get(s.func) ?? 0) + 1);
    expect(replay.offsetsUs.length).toBe(Math.max(...byFunc.values()));
  });
});

describe('bad trace files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldlab-trace-'));
  function problemsOf(traceText: string, phaseYaml = ''): ScenarioError {
    writeFileSync(join(dir, 'bad.csv'), traceText);
    const scenario = `name: t\nfunction: { path: ${HELLO} }\nphases:\n  - { kind: trace, file: bad.csv${phaseYaml} }\n`;
    try {
      parseScenarioText(scenario, join(dir, 'scenario.yaml'));
    } catch (error) {
      if (error instanceof ScenarioError) return error;
      throw error;
    }
    throw new Error('the scenario was accepted');
  }

  it('points at the line and column of a bad count, with a hint, exit code 2', () => {
    const error = problemsOf('HashOwner,HashApp,HashFunction,Trigger,1,2,3\no,a,f,http,1,x2,3\no,a,g,http,1,2\n');
    expect(error.exitCode).toBe(2);
    const inTrace = error.problems.filter((p) => p.file.endsWith('bad.csv'));
    expect(inTrace.map((p) => `${p.line}:${p.col}`)).toEqual(['2:14', '3:1']);
    expect(inTrace[0]!.message).toContain('"x2" is not a count');
    expect(inTrace[0]!.hint).toBeDefined();
    expect(error.message).toMatch(/bad\.csv:2:14 minute 2/);
  });

  it('refuses an unknown header, a missing file and a bad 2021 row', () => {
    expect(problemsOf('a,b,c\n1,2,3\n').problems.some((p) => p.message === 'not a known trace format')).toBe(true);
    const bad2021 = problemsOf('app,func,end_timestamp,duration\na,f,1.5,0.2\na,f,0.1,0.5\n').problems.find((p) => p.file.endsWith('bad.csv'));
    expect(bad2021).toMatchObject({ line: 3, col: 9 });
    const scenario = `name: t\nfunction: { path: ${HELLO} }\nphases:\n  - { kind: trace, file: nowhere.csv }\n`;
    expect(() => parseScenarioText(scenario, join(dir, 'scenario.yaml'))).toThrow(/nowhere\.csv:1:1 trace file not found/);
  });

  it('places selection and window problems at the phase key', () => {
    const ok = 'HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,abcdef12,http,1,2\n';
    const rank = problemsOf(ok, ', select: { rank: 3 }').problems[0]!;
    expect(rank).toMatchObject({ line: 4 });
    expect(rank.message).toMatch(/select\.rank 3 is beyond the 1 function/);
    expect(problemsOf(ok, ', toMinute: 5').problems[0]!.message).toMatch(/toMinute 5 is past the trace's last minute \(2\)/);
    expect(problemsOf(ok, ', select: { hash: zzz999 }').problems[0]!.hint).toMatch(/select by rank/);
  });
});
