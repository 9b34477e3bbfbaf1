import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtml } from '../../src/report/html.js';
import { writeReport } from '../../src/report/write.js';
import { escapeHtml, html } from '../../src/present/escape.js';
import { formatUs } from '../../src/present/format.js';
import type { RunResult } from '../../src/results/model.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

const EVIL = '<script>alert("x")</script>';

function hostile(): RunResult {
  const result = sampleRunResult({
    scenarioName: `quick ${EVIL}`,
    variants: [{ limitsEnforced: false }, { fail: { code: 'START_FAILED', message: `spawn failed ${EVIL}`, hint: `check <b>this</b>` } }],
  });
  result.scenario.description = `desc ${EVIL}`;
  result.variants[0]?.notes.push(`note ${EVIL}`);
  return result;
}

describe('renderHtml', () => {
  it('escapes user text everywhere it appears', async () => {
    const out = await renderHtml(hostile());
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<b>this</b>');
    expect(out).toContain('quick &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out).toContain('note &lt;script&gt;');
    expect(out).toContain('spawn failed &lt;script&gt;');
  });

  it('references no resource outside the document', async () => {
    const out = await renderHtml(hostile());
    expect(out).not.toMatch(/https?:\/\//i);
    expect(out).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(out).not.toMatch(/@import|url\(/i);
    for (const [, target] of out.matchAll(/\b(?:href|src)="([^"]*)"/g)) expect(target?.startsWith('#')).toBe(true);
    expect(out).toContain("default-src 'none'");
  });

  it('shows status, reasons, errors with hints, and the limits warning', async () => {
    const out = await renderHtml(hostile());
    expect(out).toContain('Limits not enforced');
    expect(out).toContain('START_FAILED');
    expect(out).toContain('Hint: check &lt;b&gt;this&lt;/b&gt;');
    const invalid = await renderHtml(sampleRunResult({ variants: [{ phases: [{ name: 'steady', warm: 50, cold: 1, achievedShare: 0.5 }] }] }));
    expect(invalid).toContain('badge invalid');
    expect(invalid).toContain('steady: achieved 25 req/s of 50 target');
  });

  it('says INCOMPLETE only when the run was interrupted', async () => {
    expect(await renderHtml(sampleRunResult({ complete: false }))).toContain('INCOMPLETE — interrupted');
    expect(await renderHtml(sampleRunResult())).not.toContain('INCOMPLETE');
  });

  it('prints corrected and uncorrected percentiles of each phase', async () => {
    const result = sampleRunResult({ variants: [{}] });
    const out = await renderHtml(result);
    const steady = result.variants[0]?.phases.find((p) => p.name === 'steady');
    const warm = steady?.latency.warm;
    if (!warm) throw new Error('sample has no warm latency');
    expect(out).toContain(`<span class="c">${formatUs(warm.corrected.p99Us)}</span><span class="u">${formatUs(warm.uncorrected.p99Us)}</span>`);
    expect(out).toContain('data-phase="steady"');
  });

  it('renders a run without variants', async () => {
    const out = await renderHtml(sampleRunResult({ variants: [], complete: false }));
    expect(out).toContain('No variant finished');
  });
});

describe('html tag', () => {
  it('escapes interpolations, nested arrays included, and keeps trusted fragments', () => {
    expect(escapeHtml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;');
    expect(html`<p>${['<i>', html`<i>${'&'}</i>`]}</p>`.value).toBe('<p>&lt;i&gt;<i>&amp;</i></p>');
    expect(html`${undefined}${null}${false}${0}`.value).toBe('0');
  });
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes dir/index.html and returns its path', async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldlab-report-'));
    const result = sampleRunResult();
    const written = await writeReport(result, join(dir, 'nested'));
    expect(written.html).toBe(join(dir, 'nested', 'index.html'));
    expect(await readFile(written.html, 'utf8')).toBe(await renderHtml(result));
  });
});
