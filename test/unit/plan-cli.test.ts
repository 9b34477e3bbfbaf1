import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { sampleRunResult } from '../helpers/sampleResult.js';
import { writeResultsAtomic } from '../../src/results/store.js';

async function plan(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(['plan', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('coldlab plan (the script interface)', () => {
  it('prints one JSON object with the promised keys, the same for the same seed', async () => {
    const args = ['--rate', '0.9', '--warm-ms', '1991', '--cold-ms', '2244', '--keep-alive', '600s', '--requests', '50000', '--seed', '3', '--json'];
    const first = await plan(...args);
    expect(first.code).toBe(0);
    const json = JSON.parse(first.out) as Record<string, unknown>;
    for (const key of ['coldStartProbability', 'meanInstances', 'meanRunningInstances', 'meanIdleInstances', 'p50Ms', 'p99Ms']) expect(typeof json[key]).toBe('number');
    expect(json.requests).toBe(50_000);
    expect(json.p50Ms).toBe(1991);
    expect((await plan(...args)).out).toBe(first.out);
  });

  it('answers the capacity question with a candidate table and the cheapest meeting the P99 target', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'coldlab-plan-')), 'plan.html');
    const r = await plan('--rate', '5', '--warm-ms', '100', '--cold-ms', '800', '--keep-alive', '1s,60s', '--provisioned', '0,2', '--memory', '256,512', '--p99-target', '500', '--requests', '20000', '--html', html, '--json');
    expect(r.code).toBe(0);
    const table = JSON.parse(r.out) as { rows: { meetsTarget: boolean; p99Ms: number; cost: { perMillionRequests: number } }[]; best: { p99Ms: number; cost: { perMillionRequests: number } } };
    expect(table.rows).toHaveLength(8);
    const meeting = table.rows.filter((row) => row.meetsTarget);
    expect(table.best.p99Ms).toBeLessThanOrEqual(500);
    expect(table.best.cost.perMillionRequests).toBe(Math.min(...meeting.map((row) => row.cost.perMillionRequests)));
    expect(readFileSync(html, 'utf8')).toContain('class="best"');
  });

  it('takes service times per memory size from a results file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'coldlab-plan-')), 'results.json');
    await writeResultsAtomic(file, sampleRunResult({ variants: [{ memoryMb: 256 }, { memoryMb: 1024 }] }));
    const r = await plan('--from', file, '--rate', '5', '--requests', '5000', '--memory', '256,1024', '--keep-alive', '10s', '--json');
    expect(r.err).toBe('');
    const table = JSON.parse(r.out) as { service: string; rows: { memoryMb: number; p50Ms: number }[] };
    expect(table.rows.map((row) => row.memoryMb)).toEqual([256, 1024]);
    expect(table.service).toMatch(/^measured in /);
    expect((await plan('--from', file, '--rate', '5', '--memory', '512')).err).toMatch(/measured 256, 1024 MB only/);
  });

  it('replays a trace', async () => {
    const r = await plan('--trace', 'fixtures/traces/azure2019-sample.csv', '--select', 'rank:1', '--compress', '60', '--to-minute', '30', '--warm-ms', '5', '--cold-ms', '300', '--keep-alive', '1s', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { horizonS: number }).horizonS).toBeCloseTo(30, 6);
  });

  it('refuses bad input with a hint and exit code 2', async () => {
    const missing = await plan('--rate', '1', '--cold-ms', '5');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/plan needs a warm service time: --warm-ms/);
    expect((await plan('--rate', 'fast', '--warm-ms', '1', '--cold-ms', '2')).err).toMatch(/--rate: "fast" is not a number/);
    expect((await plan('--rate', '1', '--warm-ms', '1', '--cold-ms', '2', '--keep-alive', 'soon')).code).toBe(2);
    const bad = join(mkdtempSync(join(tmpdir(), 'coldlab-plan-')), 'bad.csv');
    writeFileSync(bad, 'HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,-1\n');
    const trace = await plan('--trace', bad, '--warm-ms', '1', '--cold-ms', '2');
    expect(trace.code).toBe(2);
    expect(trace.err).toMatch(/bad\.csv:2:12 minute 1: "-1" is not a count/);
  });
});
