import { create } from 'xmlbuilder2';
import type { ThresholdOutcome } from '../../results/model.js';
import type { GateReport } from '../../gate/compare.js';
import { formatMetric } from '../../gate/metrics.js';
import { formatP } from '../../gate/stats.js';
import { intervalText, measuredText, ratioText } from './format.js';

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; details: string };
  skipped?: string;
}

function thresholdCases(outcomes: readonly ThresholdOutcome[]): Case[] {
  return outcomes.map((o) => {
    const name = `${o.expression}${o.phase ? ` [${o.phase}]` : ''}`;
    const figure = `${o.metric} measured ${measuredText(o)}, threshold ${o.expression}`;
    return { classname: `coldlab.thresholds.${o.variantKey}`, name, ...(o.passed ? {} : { failure: { type: 'threshold', message: figure, details: `variant ${o.variantKey}\n${figure}` } }) };
  });
}

function gateCases(report: GateReport): Case[] {
  const cases: Case[] = report.comparisons.map((c) => {
    const figures =
      `baseline ${formatMetric(c.baseline.median, c.unit)} (n=${c.baseline.n}), candidate ${formatMetric(c.candidate.median, c.unit)} (n=${c.candidate.n}), ` +
      `ratio ${ratioText(c.ratio)} ${intervalText(c)}, p ${formatP(c.pValue)}, tolerance ${Math.round(c.tolerance * 100)}%`;
    const base = { classname: `coldlab.gate.${c.variantKey}`, name: c.metric };
    if (c.verdict === 'regression') return { ...base, failure: { type: 'regression', message: `${c.metric} regressed: ${figures}`, details: `${c.reason}\n${figures}` } };
    if (c.verdict === 'too-few-repetitions') return { ...base, skipped: c.reason };
    return base;
  });
  // An untrusted run is a failed check of its own, so CI never shows an invalid comparison as green.
  if (report.invalid.length > 0) {
    cases.push({ classname: 'coldlab.gate', name: 'runs valid', failure: { type: 'invalid', message: `${report.invalid.length} run(s) or round(s) invalid`, details: report.invalid.join('\n') } });
  }
  return cases;
}

/** JUnit XML: one test case per threshold and per compared metric, failures carrying the figures. */
export function junitXml(parts: { thresholds?: readonly ThresholdOutcome[]; gate?: GateReport }): string {
  const suites: Array<{ name: string; cases: Case[] }> = [];
  if (parts.thresholds && parts.thresholds.length > 0) suites.push({ name: 'coldlab thresholds', cases: thresholdCases(parts.thresholds) });
  if (parts.gate) suites.push({ name: 'coldlab gate', cases: gateCases(parts.gate) });
  const count = (cases: Case[], what: 'failure' | 'skipped'): number => cases.filter((c) => c[what] !== undefined).length;
  const all = suites.flatMap((s) => s.cases);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'coldlab', tests: all.length, failures: count(all, 'failure'), errors: 0, skipped: count(all, 'skipped') });
  for (const suite of suites) {
    const el = root.ele('testsuite', { name: suite.name, tests: suite.cases.length, failures: count(suite.cases, 'failure'), errors: 0, skipped: count(suite.cases, 'skipped') });
    for (const c of suite.cases) {
      const tc = el.ele('testcase', { classname: c.classname, name: c.name, time: 0 });
      if (c.failure) tc.ele('failure', { type: c.failure.type, message: c.failure.message }).txt(c.failure.details);
      if (c.skipped !== undefined) tc.ele('skipped', { message: c.skipped });
    }
  }
  return root.end({ prettyPrint: true });
}
