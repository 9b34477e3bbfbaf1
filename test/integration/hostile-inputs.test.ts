import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { readResults } from '../../src/results/store.js';
import { detectCgroups } from '../../src/metrics/cgroup.js';

/**
 * The corpus of hostile and careless inputs (test/data/hostile/): each row is one class of input, the exit
 * code it must end in and what the user must read. A new class that breaks is one line here.
 * Placeholders: {s} scenarios, {r} results files, {tmp} files made below (too big to keep in git), {out} an
 * empty folder of the row's own. Every row also checks: no "internal error", no stack trace, no control
 * character printed, and with exit 2 nothing written; a run that ends in exit 1 must have failed its variants
 * with the error shown (results, report) and left no cgroup behind.
 */
const CASES: Array<[name: string, args: string, exit: number, says: RegExp]> = [
  // 1. YAML the parser refuses
  ['unresolved alias', 'run {s}/unresolved-alias.yaml -o {out}', 2, /unresolved-alias\.yaml:5:5 YAML: Unresolved alias[^\n]*\n\s+hint: define the anchor/],
  ['alias bomb', 'run {s}/alias-bomb.yaml -o {out}', 2, /alias-bomb\.yaml:\d+:\d+ YAML: Excessive alias count/],
  ['tab indentation', 'run {s}/tab-indent.yaml -o {out}', 2, /tab-indent\.yaml:2:1 YAML: Tabs/],
  ['binary garbage', 'run {s}/binary.yaml -o {out}', 2, /binary\.yaml:1:1 /],
  ['empty file', 'run {s}/empty.yaml -o {out}', 2, /missing required key "name"/],
  ['a list, not a mapping', 'run {s}/top-level-list.yaml -o {out}', 2, /expected a mapping, got a list/],
  ['a folder as scenario', 'run {s} -o {out}', 2, /this is a folder, not a scenario file/],
  // 2. validation cost: size limit, and the first problems listed with a count of the rest
  ['20,000 unknown keys', 'run {tmp}/many-keys.yaml -o {out}', 2, /invalid scenario \(20,000 problems\)[\s\S]*… and 19,980 more problems/],
  ['a file over the size limit', 'run {tmp}/too-big.yaml -o {out}', 2, /too-big\.yaml:1:1 the scenario file is [\d,]+ bytes, more than the limit of 262,144/],
  // 3. upper limits, numbers as people write them
  ['rate typo', 'run {s}/rate-typo.yaml -o {out}', 2, /phases\[0\]\.rate must be at most 50,000 \(got 1,000,000,000,000\)/],
  ['keep-alive 1e300', 'run {s}/keepalive-1e300.yaml -o {out}', 2, /matrix\.keepAliveMs must be at most 24h \(got 1e300 ms\)/],
  ['duration over the limit', 'run {s}/duration-too-long.yaml -o {out}', 2, /phases\[1\]\.duration: "48h" is longer than the limit of 24h/],
  ['burst size', 'run {s}/burst-huge.yaml -o {out}', 2, /phases\[0\]\.size must be at most 10,000/],
  ['connections', 'run {s}/connections-huge.yaml -o {out}', 2, /phases\[0\]\.connections must be at most 1,000 \(got 1,000,000\)/],
  ['repetitions', 'run {s}/repetitions-huge.yaml -o {out}', 2, /repetitions must be at most 100/],
  ['memory', 'run {s}/memory-huge.yaml -o {out}', 2, /matrix\.memoryMb must be at most 65,536/],
  ['seed', 'run {s}/seed-huge.yaml -o {out}', 2, /seed must be at most 9,007,199,254,740,991 \(got 1e300\)/],
  ['requests per phase', 'run {s}/requests-per-phase.yaml -o {out}', 2, /would send 4,320,000,000 requests, more than the limit of 100,000,000/],
  ['matrix explosion, even with --dry-run', 'run {s}/matrix-explosion.yaml --dry-run', 2, /expands to 10,000 variant runs[^\n]*limit of 1,000\n\s+hint: list fewer values \(runtimes 1, memoryMb 10/],
  // 4. settings that can do nothing
  ['zero duration', 'run {s}/zero-duration.yaml -o {out}', 2, /phases\[0\]\.duration: a duration of 0s does nothing/],
  ['zero request timeout', 'run {s}/zero-request-timeout.yaml -o {out}', 2, /requestTimeoutMs must be greater than 0ms/],
  ['ramp from 0 to 0', 'run {s}/ramp-zero.yaml -o {out}', 2, /a ramp from 0 to 0 sends nothing/],
  ['phase names that repeat', 'run {s}/duplicate-phase-names.yaml -o {out}', 2, /duplicate-phase-names\.yaml:5:13 phases\[1\] is named "steady" like phases\[0\]/],
  ['output is an existing file', 'run {s}/output-is-file.yaml', 2, /output "package\.json" is an existing file/],
  ['env key with =', 'run {s}/env-key-equals.yaml -o {out}', 2, /"A=B" cannot be an environment variable name/],
  ['env value with NUL', 'run {s}/env-value-nul.yaml -o {out}', 2, /GREETING holds a NUL character/],
  ['env larger than the limit', 'run {tmp}/big-env.yaml -o {out}', 2, /function\.env holds [\d,]+ bytes, more than the limit of 65,536/],
  // 5. a function that can never start: failed, with the instance's own error, exit 1
  ['handler name typo', 'run {s}/handler-typo.yaml -q -o {out}', 1, /FAILED: [^\n]*exports no function named "handlr"/],
  ['module throws at import', 'run {s}/throws-at-import.yaml -q -o {out}', 1, /FAILED: [^\n]*SyntaxError[^\n]*throws-at-import\.mjs:2/],
  // 6. hostile or damaged results files
  ['results: not JSON', 'report {r}/not-json.json -o {out}', 2, /not-json\.json is not valid JSON/],
  ['results: newer schema', 'report {r}/newer-version.json -o {out}', 2, /schema version 99, newer than/],
  ['results: wrong type', 'report {r}/wrong-type.json -o {out}', 2, /variants\[0\]\.phases\[0\]\.sent: /],
  ['results: histogram that does not decode', 'report {r}/bad-histogram.json -o {out}', 2, /latency\.warm\.corrected\.encoded: is not an encoded HDR histogram/],
  ['results: histogram count that lies', 'report {r}/count-mismatch.json -o {out}', 2, /corrected\.count: says 1000000 values but the histogram holds/],
  ['results: negative count', 'merge {r}/negative-count.json {r}/other-run.json -o {out}/m.json', 2, /instances\[0\]\.requests: /],
  ['results: infinite number', 'report {r}/infinite.json -o {out}', 2, /variants\[0\]\.durationMs: [^\n]*Infinity/],
  ['results: unknown status', 'report {r}/unknown-status.json -o {out}', 2, /variants\[0\]\.status: /],
  ['results: a folder', 'report {r} -o {out}', 2, /is a folder, not a results file/],
  ['merge a file with itself', 'merge {r}/valid.json {r}/valid.json -o {out}/m.json', 2, /both hold run hostile-a: merging them would count its requests twice/],
  ['merge two copies of one run', 'merge {r}/valid.json {r}/valid-copy.json -o {out}/m.json', 2, /both hold run hostile-a/],
  ['merge different scenarios', 'merge {r}/valid.json {r}/other-scenario.json -o {out}/m.json', 2, /different scenarios[\s\S]*hint: [^\n]*`coldlab report <results\.json>`/],
  // 7. output paths; hints name options that exist
  ['run -o names a file', 'run scenarios/quickstart.yaml -o {tmp}/a-file', 2, /-o [^\n]*a-file is an existing file, but a folder is expected/],
  ['report -o names a file', 'report {r}/valid.json -o {tmp}/a-file', 2, /a folder is expected/],
  ['merge -o names a folder', 'merge {r}/valid.json {r}/other-run.json -o {out}', 2, /is a folder, but a file is expected here/],
  ['report takes --verbose', 'report {r}/wrong-type.json --verbose -o {out}', 2, /variants\[0\]\.phases\[0\]\.sent/],
  ['merge takes --verbose', 'merge {r}/valid.json -o {out} --verbose', 2, /a file is expected/],
  // 8. terminal safety: escape sequences in keys and names are not printed
  ['escape sequences in a key', 'run {s}/control-characters.yaml -o {out}', 2, /unknown key "\[2J\]0;pwned"/],
  ['escape sequences in a results name', 'merge {r}/valid.json {r}/other-scenario.json -o {out}/m.json', 2, /"another\[2J scenario"/],
];

// A function that never started: every variant failed with the instance's own error, in results and report, and
// claims nothing about limits; the instances' cgroups went as soon as their start failed.
async function expectFailedRun(out: string, says: RegExp): Promise<void> {
  const [runId] = await readdir(out);
  const result = await readResults(join(out, runId ?? '', 'results.json'));
  for (const v of result.variants) {
    expect(v.status).toBe('failed');
    expect(v.status === 'failed' && `FAILED: ${v.error.message}`).toMatch(says);
    expect(v.limitsEnforced).toBe(true);
  }
  const report = await readFile(join(out, runId ?? '', 'index.html'), 'utf8');
  expect(report).toContain('Failed:');
  expect(report).not.toContain('Limits not enforced');
  const mode = await detectCgroups();
  const roots = mode.version === 2 ? [mode.root] : mode.version === 1 ? Object.values(mode.roots) : [];
  for (const root of new Set(roots)) expect((await readdir(join(root, 'coldlab')).catch(() => [])).filter((n) => n.includes(runId ?? '?'))).toEqual([]);
}

const DIRS = { s: 'test/data/hostile/scenarios', r: 'test/data/hostile/results' };
const STACK = /\n\s+at .+:\d+:\d+/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'coldlab-hostile-'));
  const fn = 'function: { path: ' + join(process.cwd(), 'fixtures/functions/hello.mjs') + ' }\nphases: [{ kind: constant, rate: 5, duration: 1s }]\n';
  const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n');
  await writeFile(join(tmp, 'many-keys.yaml'), `name: many-keys\n${fn}${keys}\n`);
  await writeFile(join(tmp, 'too-big.yaml'), `name: too-big\n${fn}${'# padding\n'.repeat(30_000)}`);
  await writeFile(join(tmp, 'big-env.yaml'), `name: big-env\n${fn.replace(' }', `, env: { BIG: "${'x'.repeat(70_000)}" } }`)}`);
  await writeFile(join(tmp, 'a-file'), 'not a folder\n');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('hostile and careless inputs', () => {
  it.each(CASES)('%s (exit %s)', async (_name, args, exit, says) => {
    const out = await mkdtemp(join(tmp, 'out-'));
    const argv = args.split(' ').map((a) => a.replace(/\{(\w+)\}/g, (_, key: string) => (key === 'out' ? out : key === 'tmp' ? tmp : DIRS[key as keyof typeof DIRS])));
    const io = captureIO();
    const code = await main(argv, io);
    const printed = io.stdout() + io.stderr();
    expect(printed).toMatch(says);
    expect(code).toBe(exit);
    expect(printed).not.toContain('internal error');
    // A stack trace is what --verbose asks for.
    if (!argv.includes('--verbose')) expect(printed).not.toMatch(STACK);
    expect(printed).not.toMatch(CONTROL);
    if (exit === 2) expect(await readdir(out)).toEqual([]);
    if (exit === 1) await expectFailedRun(out, says);
  });
});
