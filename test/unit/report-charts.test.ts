import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { latencyChart } from '../../src/report/charts/latency.js';
import { loadChart } from '../../src/report/charts/load.js';
import { overviewChart } from '../../src/report/charts/overview.js';
import { inlineSvg, renderFigure, renderSvg, type Chart } from '../../src/present/charts/render.js';
import { renderCharts } from '../../src/report/charts/index.js';
import { logAxis } from '../../src/present/charts/theme.js';
import { timeDomain } from '../../src/report/charts/timeAxis.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

function specOf(chart: Chart): TopLevelSpec {
  if (!('spec' in chart)) throw new Error(`expected a chart, got the note "${chart.empty}"`);
  return chart.spec;
}

/** Texts of the SVG's <text> elements, entities decoded: what a reader sees. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map(([, t]) =>
    (t ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

const count = (svg: string, cls: string): number => svg.split(`class="${cls}`).length - 1;

describe('charts, drawn to SVG in Node', () => {
  const result = sampleRunResult({
    variants: [{}, { provisioned: 1 }, { runtime: 'container', fail: { code: 'RUNTIME_UNAVAILABLE', message: 'no engine' }, phases: [], timeline: 'none' }],
  });
  const [first, , failed] = result.variants;
  if (!first || !failed) throw new Error('sample lacks variants');

  it('latency over time: P50 and P99 lines on a log axis, phases named, cold starts marked', async () => {
    const svg = await renderSvg(specOf(latencyChart(first)), 't1');
    expect(svg.startsWith('<svg ')).toBe(true);
    const shown = texts(svg);
    for (const t of ['Latency over time', 'latency, ms (log)', 'seconds since the variant started', 'P50', 'P99', 'cold starts', 'burst', 'steady']) expect(shown).toContain(t);
    // Decades on the log axis, grouped like the tables: 1, 10, 100, 1,000 ms.
    expect(shown).toEqual(expect.arrayContaining(['1', '10', '100']));
    expect(count(svg, 'mark-line')).toBeGreaterThanOrEqual(1);
    expect(svg.match(/<path [^>]*stroke="#0e9384"/g)?.length).toBeGreaterThanOrEqual(1);
    expect(svg.match(/<path [^>]*stroke="#7f56d9"/g)?.length).toBeGreaterThanOrEqual(1);
    // One rule per second with cold starts (the sample has them in second 0 only), labelled with the count.
    expect(count(svg, 'mark-rule role-mark')).toBe(1);
    expect(shown).toContain(String(first.timeline[0]?.coldStarts));
    expect(count(svg, 'mark-rect role-mark')).toBe(1);
  });

  it('load and instances: requests, instances, memory and CPU panels, with units', async () => {
    const svg = await renderSvg(specOf(loadChart(first)), 't2');
    const shown = texts(svg);
    for (const t of ['Load and instances', 'requests/s', 'instances', 'memory, MiB', 'CPU, cores', 'seconds since the variant started']) expect(shown).toContain(t);
    // One bar per second, and one red bar per second with errors.
    const bars = svg.match(/<path [^>]*fill="#b8c0cc"/g) ?? [];
    expect(bars.length).toBe(first.timeline.length);
    expect((svg.match(/<path [^>]*fill="#b42318"/g) ?? []).length).toBe(first.timeline.filter((p) => p.errors > 0).length);
  });

  it('leaves out the memory and CPU panels when the sampler read no cgroup', async () => {
    const [v] = sampleRunResult({ variants: [{ timeline: 'counts' }] }).variants;
    if (!v) throw new Error('no variant');
    const shown = texts(await renderSvg(specOf(loadChart(v)), 't3'));
    expect(shown).toContain('requests/s');
    expect(shown).toContain('instances');
    expect(shown).not.toContain('memory, MiB');
    expect(shown).not.toContain('CPU, cores');
    // Counts alone still give a latency note rather than an empty plot.
    expect(latencyChart(v)).toMatchObject({ empty: expect.stringContaining('No latency over time') });
  });

  it('overview: warm and cold P50/P99 bars per variant, a variant without latency keeps its row', async () => {
    const svg = await renderSvg(specOf(overviewChart(result)), 't4');
    const shown = texts(svg);
    for (const t of ['Warm and cold latency by variant', 'latency, ms (log)', 'warm P50', 'warm P99', 'cold P50', 'cold P99', 'no latency recorded']) expect(shown).toContain(t);
    expect(shown.filter((t) => /^[123]\. /.test(t))).toHaveLength(3);
    // Four bars for each of the two variants that have latency.
    expect(count(svg, 'mark-rect role-mark')).toBe(1);
    expect(svg.match(/<path [^>]*aria-roledescription="bar"[^>]*fill="#(f4a36f|d9480f|93b4f5|2563eb)"/g)?.length).toBe(8);
  });

  it('empty data gives a short note, not a crash', async () => {
    expect(latencyChart(failed)).toMatchObject({ empty: expect.any(String) });
    expect(loadChart(failed)).toMatchObject({ empty: expect.stringContaining('no timeline') });
    const none = sampleRunResult({ variants: [{ fail: { code: 'X', message: 'x' }, phases: [], timeline: 'none' }] });
    expect(overviewChart(none)).toMatchObject({ empty: expect.stringContaining('No latency to compare') });
    const charts = await renderCharts(none);
    expect(charts.overview.value).toContain('class="chart empty"');
    expect(charts.overview.value).not.toContain('<svg');
    expect(charts.variants[0]?.value).toContain('No data over time');
    expect(charts.variants[0]?.value).not.toContain('<svg');
    const empty = await renderCharts(sampleRunResult({ variants: [] }));
    expect(empty.variants).toEqual([]);
  });

  it('a spec Vega cannot draw becomes a note in the report', async () => {
    const bad = { label: 'Broken', caption: '', spec: { mark: 'nonsense', data: { values: [] } } as unknown as TopLevelSpec };
    const figure = (await renderFigure(bad, 'x')).value;
    expect(figure).toContain('Chart could not be drawn');
    expect(figure).not.toContain('<svg');
  });

  it('escapes user text (phase names) inside the SVG', async () => {
    const [v] = sampleRunResult({ variants: [{ phases: [{ name: '<b>x</b> & "q"', warm: 20, cold: 2, durationMs: 8_000 }] }] }).variants;
    if (!v) throw new Error('no variant');
    const svg = await renderSvg(specOf(latencyChart(v)), 't5');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;');
    expect(texts(svg)).toContain('<b>x</b> & "q"');
  });

  it('fits the SVG inline: no namespace URL, ids made unique, nothing that runs or fetches', async () => {
    const svg = await renderSvg(specOf(latencyChart(first)), 't6');
    expect(svg).not.toMatch(/https?:|xmlns/);
    expect(svg).not.toMatch(/<script|href=|\son\w+=/i);
    const raw = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10"><clipPath id="clip1"></clipPath><g clip-path="url(#clip1)"></g></svg>';
    expect(inlineSvg(raw, 'c7')).toBe('<svg width="10"><clipPath id="c7-clip1"></clipPath><g clip-path="url(#c7-clip1)"></g></svg>');
    expect(() => inlineSvg('<svg width="1"><script>alert(1)</script></svg>', 'c')).toThrow();
  });

  it('judges markup, not text: a phase named online=yes keeps its chart; handlers and links in tags are refused', async () => {
    const [v] = sampleRunResult({ variants: [{ phases: [{ name: 'online=yes', warm: 20, cold: 2, durationMs: 8_000 }, { name: 'href=x onload=y', warm: 5, cold: 1 }] }] }).variants;
    if (!v) throw new Error('no variant');
    const figure = String(await renderFigure(latencyChart(v), 't8'));
    expect(figure).not.toContain('could not be drawn');
    expect(texts(figure)).toContain('online=yes');
    expect(() => inlineSvg('<svg width="1"><g onload="alert(1)"></g></svg>', 'c')).toThrow();
    expect(() => inlineSvg('<svg width="1"><a href="https://example.com"><text>x</text></a></svg>', 'c')).toThrow();
  });

  it('days of per-second points: axes computed without spreading them into one call', () => {
    const [v] = sampleRunResult({ variants: [{ timeline: 'none' }] }).variants;
    if (!v) throw new Error('no variant');
    const days = 3 * 86_400;
    v.timeline = Array.from({ length: days }, (_, t) => ({ t, requests: 1, errors: 0, coldStarts: 0, instances: 1 }));
    expect(timeDomain(v)[1]).toBeGreaterThanOrEqual(days);
    expect(logAxis(Array.from({ length: 2 * days }, (_, i) => 1 + (i % 500))).domain).toEqual([1, 1000]);
  });

  it('a 35-minute timeline: at most ~1,000 points a series, one-second spikes and dips kept, bars over stretches', async () => {
    const [v] = sampleRunResult({ variants: [{ timeline: 'none' }] }).variants;
    if (!v) throw new Error('no variant');
    const seconds = 2_100;
    v.timeline = Array.from({ length: seconds }, (_, t) => ({
      t,
      requests: t === 700 ? 1_000 : t === 1_500 ? 9_000 : 5_000,
      errors: t === 1_234 ? 7 : 0,
      coldStarts: t === 42 || t === 43 ? 2 : 0,
      instances: t === 901 ? 60 : 20,
      ...(t >= 1_000 && t < 1_020 ? {} : { p50Us: 3_000 }),
      p99Us: t === 1_111 ? 950_000 : 9_000,
      instancesMemoryBytes: (t === 333 ? 900 : 400) * 1024 * 1024,
    }));
    type Row = Record<string, number | string | null>;
    const latency = specOf(latencyChart(v)) as unknown as { layer: Array<{ data: { values: Row[] } }> };
    const [, cold, lines] = latency.layer;
    const p99 = lines?.data.values.filter((r) => r.series === 'P99') ?? [];
    expect(p99.length).toBeLessThanOrEqual(1_000);
    expect(p99.some((r) => r.ms === 950)).toBe(true);
    // Twenty seconds without a P50 still break its line.
    expect(lines?.data.values.filter((r) => r.series === 'P50' && r.ms === null).length).toBeGreaterThanOrEqual(4);
    // Two seconds of cold starts in one 5-s stretch: one mark with both counts.
    expect(cold?.data.values).toEqual([{ x: 42.5, n: 4 }]);
    const load = specOf(loadChart(v)) as unknown as { vconcat: Array<{ data: { values: Row[] } }> };
    const [requests, instances, memory] = load.vconcat;
    const bars = requests?.data.values ?? [];
    expect(bars.filter((b) => b.kind === 'requests').length).toBe(Math.ceil(seconds / 5));
    // The dip (1,000 req/s) is the solid part of its bar; the peak (9,000) the light part of another; the errors survive.
    expect(bars.some((b) => b.kind === 'requests' && b.n === 1_000)).toBe(true);
    expect(bars.some((b) => b.kind === 'busiest second' && b.n === 9_000 && b.base === 5_000)).toBe(true);
    expect(bars.filter((b) => b.kind === 'errors')).toEqual([expect.objectContaining({ n: 7 })]);
    expect(instances?.data.values.some((r) => r.n === 60)).toBe(true);
    expect(memory?.data.values.some((r) => r.mib === 900)).toBe(true);
    for (const panel of load.vconcat) expect(panel.data.values.length).toBeLessThanOrEqual(1_001);
    expect('caption' in loadChart(v) && loadChart(v)).toMatchObject({ caption: expect.stringContaining('Each bar covers 5 s') });
    const svg = await renderSvg(specOf(loadChart(v)), 't9');
    expect((svg.match(/<path [^>]*fill="#b8c0cc"/g) ?? []).length).toBe(Math.ceil(seconds / 5));
  });

  it('the same results give the same charts', async () => {
    const a = await renderCharts(result);
    const b = await renderCharts(result);
    expect(a.overview.value).toBe(b.overview.value);
    expect(a.variants.map(String)).toEqual(b.variants.map(String));
  });

  it('log axes span whole decades', () => {
    expect(logAxis([1.3, 118])).toEqual({ domain: [1, 1000], ticks: [1, 10, 100, 1000] });
    expect(logAxis([1.3, 4.2])).toEqual({ domain: [1, 10], ticks: [1, 2, 5, 10] });
    expect(logAxis([0.4, 1300]).domain).toEqual([0.1, 10_000]);
  });
});
