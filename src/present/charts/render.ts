import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { html, trusted, type SafeHtml } from '../escape.js';

const QUIET = vega.logger(vega.None);

/**
 * Compiles a Vega-Lite spec and draws it to an SVG string in Node, at report time, so the report keeps no
 * script and needs no network. The headless view (renderer 'none') measures text by estimate (no `canvas`).
 */
export async function renderSvg(spec: TopLevelSpec, id: string): Promise<string> {
  // Vega-Lite's warnings (a scale property overridden...) would go to the console of whoever runs coldlab.
  const view = new vega.View(vega.parse(compile(spec, { logger: QUIET }).spec), { renderer: 'none', logLevel: vega.None });
  try {
    return inlineSvg(await view.toSVG(), id);
  } finally {
    view.finalize();
  }
}

/**
 * Makes Vega's standalone SVG fit inline in the HTML document: the namespace declarations go (the HTML parser
 * puts <svg> in the SVG namespace by itself, and the report must name no URL), and any ids (clip paths,
 * gradients) get a per-chart prefix so two charts on one page never point at each other's definitions.
 * Text in the SVG comes escaped from Vega; the check below refuses anything that could run or fetch.
 */
export function inlineSvg(svg: string, prefix: string): string {
  const out = svg
    .replace(/^<svg ([^>]*)>/, (_, attrs: string) => `<svg ${attrs.replace(/\s*xmlns(:\w+)?="[^"]*"/g, '').trim()}>`)
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`);
  if (!out.startsWith('<svg ') || unsafeMarkup(out)) throw new Error('chart SVG holds markup a static chart never needs');
  return out;
}

// Judged on element and attribute names alone: text between tags and inside quoted attribute values (aria-label)
// comes escaped from Vega, so a phase named "online=yes" is text, not a handler.
const FORBIDDEN_TAG = /^<\/?\s*(?:script|foreignObject|image|a|iframe|use)\b/i;
const FORBIDDEN_ATTRIBUTE = /\s(?:on\w+|(?:xlink:)?href)\s*=/i;
function unsafeMarkup(svg: string): boolean {
  for (const [tag] of svg.matchAll(/<(?:[^>"']|"[^"]*"|'[^']*')*>/g)) {
    const names = tag.replace(/"[^"]*"|'[^']*'/g, '""');
    if (FORBIDDEN_TAG.test(names) || FORBIDDEN_ATTRIBUTE.test(names)) return true;
  }
  return false;
}

/** A chart as a figure of the report, or the reason it is missing when there is nothing to draw. */
export type Chart = { label: string; caption: string; spec: TopLevelSpec } | { label: string; empty: string };

/**
 * Renders a chart into a figure; a chart that cannot be drawn says so rather than costing the whole report.
 * `id` is unique in the report and stable, so the same results always give the same report.
 */
export async function renderFigure(chart: Chart, id: string): Promise<SafeHtml> {
  if ('empty' in chart) return html`<figure class="chart empty"><figcaption>${chart.label}</figcaption><p class="none">${chart.empty}</p></figure>`;
  try {
    const svg = trusted(await renderSvg(chart.spec, id));
    return html`<figure class="chart" id="${id}" aria-label="${chart.label}">${svg}<figcaption class="legend">${chart.caption}</figcaption></figure>`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return html`<figure class="chart empty"><figcaption>${chart.label}</figcaption><p class="none">Chart could not be drawn: ${message}</p></figure>`;
  }
}
