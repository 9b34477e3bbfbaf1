import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { compareRuns, type GateOptions } from '../../src/gate/compare.js';
import { junitXml } from '../../src/report/gate/junit.js';
import { gateMarkdown } from '../../src/report/gate/markdown.js';
import { formatGate } from '../../src/report/gate/format.js';
import { evaluateThresholds } from '../../src/gate/thresholds.js';
import { parseThreshold, type Threshold } from '../../src/scenario/thresholdExpression.js';
import { runWithReps } from '../helpers/gateRuns.js';

const gate: GateOptions = { metrics: ['warm.p50', 'cold.p50'], alpha: 0.05, tolerance: 0.1, tolerances: {}, seed: 1, strict: false };
const base = runWithReps('base', [2000, 2100, 1950, 2050, 2020, 1990]);
const slower = runWithReps('slow', [2600, 2700, 2650, 2580, 2720, 2610]);

const threshold = (text: string): Threshold => {
  const parsed = parseThreshold(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.threshold;
};

// The shape JUnit consumers (Jenkins, GitHub test reporters, GitLab) read: testsuites > testsuite > testcase,
// read back through a real XML parser (xmlbuilder2's DOM), entities decoded.
// The few DOM members read here (the tsconfig has no DOM lib).
interface XmlEl { tagName: string; textContent: string | null; getAttribute(name: string): string | null; getElementsByTagName(name: string): Iterable<XmlEl> & ArrayLike<XmlEl> }
interface JUnitCase { classname: string; name: string; time: string; failure?: { message: string; type: string; text: string }; skipped?: string }
interface JUnitSuite { name: string; tests: number; failures: number; skipped: number; cases: JUnitCase[] }

function parseJUnit(xml: string): { tests: number; failures: number; suites: JUnitSuite[] } {
  const root = create(xml).root().node as unknown as XmlEl;
  expect(root.tagName).toBe('testsuites');
  const attr = (el: XmlEl, name: string): string => el.getAttribute(name) ?? '';
  const suites = [...root.getElementsByTagName('testsuite')].map((suite) => ({
    name: attr(suite, 'name'),
    tests: Number(attr(suite, 'tests')),
    failures: Number(attr(suite, 'failures')),
    skipped: Number(attr(suite, 'skipped')),
    cases: [...suite.getElementsByTagName('testcase')].map((tc) => {
      const failure = tc.getElementsByTagName('failure')[0];
      const skipped = tc.getElementsByTagName('skipped')[0];
      return {
        classname: attr(tc, 'classname'),
        name: attr(tc, 'name'),
        time: attr(tc, 'time'),
        ...(failure ? { failure: { message: attr(failure, 'message'), type: attr(failure, 'type'), text: failure.textContent ?? '' } } : {}),
        ...(skipped ? { skipped: attr(skipped, 'message') } : {}),
      };
    }),
  }));
  for (const s of suites) {
    expect(s.cases).toHaveLength(s.tests);
    expect(s.cases.filter((c) => c.failure)).toHaveLength(s.failures);
  }
  return { tests: Number(attr(root, 'tests')), failures: Number(attr(root, 'failures')), suites };
}

describe('gate on results files', () => {
  it('finds a 30% warm regression per variant and metric, with figures', () => {
    const report = compareRuns(base, slower, gate);
    expect(report.verdict).toBe('fail');
    const warm = report.comparisons.find((c) => c.metric === 'warm.p50')!;
    expect(warm.verdict).toBe('regression');
    expect(warm.baseline.n).toBe(6);
    const text = formatGate(report, { baseline: 'base', candidate: 'slow' });
    expect(text).toMatch(/warm\.p50\s+2\.\d+ ms \(n=6\)\s+2\.\d+ ms \(n=6\)\s+×1\.3\d\d\s+\[1\.\d+, 1\.\d+\]/);
    expect(text).toContain('comparison: FAIL');
  });

  it('passes the same run against itself', () => {
    expect(compareRuns(base, base, gate).verdict).toBe('pass');
  });

  it('an invalid repetition makes the gate invalid, never a pass', () => {
    const report = compareRuns(base, runWithReps('cand', [2000, 2000, 2000, 2000, 2000, 2000], { invalidRep: 2 }), gate);
    expect(report.verdict).toBe('invalid');
    expect(report.invalid[0]).toContain('sent 150 of 202');
  });

  it('too few repetitions passes with a plain warning, and fails with --strict', () => {
    const few = runWithReps('few', [2000, 2100]);
    const lax = compareRuns(few, few, gate);
    expect(lax.verdict).toBe('pass');
    expect(lax.summary).toMatch(/too few repetitions/);
    expect(compareRuns(few, few, { ...gate, strict: true }).verdict).toBe('fail');
  });

  it('a per-metric tolerance overrides the default', () => {
    expect(compareRuns(base, slower, { ...gate, metrics: ['warm.p50'], tolerances: { 'warm.p50': 0.5 } }).verdict).toBe('pass');
  });

  it('JUnit XML has one test case per threshold and per compared metric, failures with figures', () => {
    const outcomes = evaluateThresholds([threshold('warm.p50 < 2ms'), threshold('cold.p50 < 1s'), threshold('errorRate < 1%')], slower.variants);
    const report = compareRuns(base, slower, gate);
    const doc = parseJUnit(junitXml({ thresholds: outcomes, gate: report }));
    expect(doc.suites.map((s) => s.name)).toEqual(['coldlab thresholds', 'coldlab gate']);
    const [thresholds, compared] = doc.suites as [JUnitSuite, JUnitSuite];
    expect(thresholds.cases).toHaveLength(3);
    expect(thresholds.failures).toBe(1);
    const failed = thresholds.cases.find((c) => c.failure)!;
    expect(failed.name).toBe('warm.p50 < 2ms');
    expect(failed.failure!.message).toMatch(/warm\.p50 measured 2\.\d+ ms, threshold warm\.p50 < 2ms/);
    for (const c of [...thresholds.cases, ...compared.cases]) {
      expect(c.classname).toMatch(/^coldlab\.(thresholds|gate)\./);
      expect(c.time).toBe('0');
    }
    expect(compared.cases.map((c) => c.name)).toEqual(['warm.p50', 'cold.p50']);
    expect(compared.cases[0]!.failure!.type).toBe('regression');
    expect(compared.cases[0]!.failure!.message).toMatch(/baseline 2\.\d+ ms \(n=6\), candidate 2\.\d+ ms \(n=6\), ratio ×1\.3\d+ \[.*\], p .*, tolerance 10%/);
    expect(doc.tests).toBe(5);
    expect(doc.failures).toBe(2);
  });

  it('Markdown for the job summary shows each comparison and the verdict', () => {
    const md = gateMarkdown({ gate: compareRuns(base, slower, gate), labels: { baseline: 'base', candidate: 'slow' } });
    expect(md).toContain('### coldlab gate: ❌ fail');
    expect(md).toMatch(/\| `process\/mem=512[^|]*` \| warm\.p50 \| 2\.\d+ ms \(n=6\) \|/);
  });
});
