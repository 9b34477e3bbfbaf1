// One inline style sheet: the report must open offline from file:// with no fetch of any kind,
// so fonts are system stacks and colours are plain values.
export const STYLES = `
:root {
  --bg: #f5f6f8; --card: #ffffff; --ink: #1b2230; --muted: #5f6b7a; --faint: #8b95a3; --line: #e6e9ee;
  --cold: #2563eb; --warm: #d9480f; --ok: #067647; --ok-bg: #ecfdf3; --warn: #b54708; --warn-bg: #fffaeb;
  --bad: #b42318; --bad-bg: #fef3f2;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; font: 14px/1.5 var(--sans); color: var(--ink); -webkit-font-smoothing: antialiased; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 26px; line-height: 1.2; margin: 0 0 4px; letter-spacing: -0.01em; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 22px 0 8px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 22px 24px; margin: 0 0 20px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 12px 24px; margin: 0; }
.meta div { min-width: 0; }
.meta dt { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--faint); }
.meta dd { margin: 2px 0 0; overflow-wrap: anywhere; }
.banner { border-radius: 10px; padding: 12px 16px; margin: 0 0 20px; font-weight: 600; }
.banner.incomplete { background: var(--bad-bg); color: var(--bad); border: 1px solid #fecdca; }
.badge { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: 11.5px; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.05em; white-space: nowrap; vertical-align: middle; }
.badge.completed { background: var(--ok-bg); color: var(--ok); }
.badge.invalid { background: var(--warn-bg); color: var(--warn); }
.badge.failed { background: var(--bad-bg); color: var(--bad); }
.variant-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.variant-head .duration { margin-left: auto; color: var(--muted); white-space: nowrap; }
.key { color: var(--muted); margin: 6px 0 14px; overflow-wrap: anywhere; }
.knobs { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.knobs li { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 4px 10px; }
.knobs li span { color: var(--faint); margin-right: 6px; }
.callout { border-radius: 8px; padding: 10px 14px; margin: 14px 0 0; }
.callout.warn { background: var(--warn-bg); color: #7a2e0e; border: 1px solid #fedf89; }
.callout.bad { background: var(--bad-bg); color: #7a271a; border: 1px solid #fecdca; }
.callout p { margin: 2px 0; }
.callout ul { margin: 4px 0 0; padding-left: 20px; }
.notes { color: var(--muted); margin: 12px 0 0; padding-left: 18px; }
.charts:empty { display: none; }
.chart { margin: 0 0 16px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart.empty { border: 1px dashed var(--line); border-radius: 10px; padding: 10px 14px; }
.chart.empty figcaption { font-weight: 600; }
.chart.empty p { margin: 2px 0 0; }
.overview .charts { margin-top: 18px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em;
  border-bottom: 1px solid #d5dae1; white-space: nowrap; }
th:first-child, td:first-child, .left { text-align: left; }
th.group { text-align: center; border-bottom: 1px solid var(--line); }
thead th[rowspan] { vertical-align: bottom; }
tbody tr:last-child td { border-bottom: none; }
td .u { display: block; font-size: 11.5px; color: var(--faint); }
.phase { border: 1px solid var(--line); border-radius: 10px; margin: 0 0 14px; overflow: hidden; }
.phase-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; padding: 10px 14px; background: #fafbfc;
  border-bottom: 1px solid var(--line); }
.phase-head strong { font-size: 14.5px; }
.phase-head .fact { color: var(--muted); }
.phase-head .fact b { color: var(--ink); font-weight: 600; }
.phase-head .invalid { color: var(--warn); font-weight: 600; }
.phase table td, .phase table th { padding-left: 14px; padding-right: 14px; }
.phase .reasons { margin: 0; padding: 8px 14px 10px 32px; color: var(--warn); background: var(--warn-bg); border-top: 1px solid var(--line); }
.empty-phase { margin: 0; padding: 10px 14px; color: var(--muted); }
.start { font-weight: 600; white-space: nowrap; }
.start::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 8px; background: var(--faint); }
.start.cold::before { background: var(--cold); }
.start.warm::before { background: var(--warm); }
.none { color: var(--faint); }
.errors { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { border-radius: 6px; padding: 1px 8px; background: var(--bad-bg); color: var(--bad); font-size: 12px; white-space: nowrap; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.stat { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.stat .label { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--faint); }
.stat .value { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .value small { font-size: 12px; font-weight: 500; color: var(--muted); margin-left: 3px; }
.legend { color: var(--muted); font-size: 12.5px; margin: -2px 0 10px; }
.overview .variant-cell { min-width: 200px; }
.overview th { white-space: normal; }
.overview a { color: inherit; text-decoration: none; border-bottom: 1px dotted var(--faint); }
details summary { cursor: pointer; color: var(--muted); margin: 0 0 8px; }
.scroll { overflow-x: auto; }
.picks { margin: 6px 0 12px; padding-left: 20px; }
.picks li { margin: 3px 0; }
.recommendations h3 { margin-top: 18px; }
.advice-table td:first-child { font-weight: 600; }
footer { color: var(--faint); font-size: 12px; text-align: center; margin-top: 28px; }
@media print { html { background: #fff; } .card { box-shadow: none; break-inside: avoid; } }
`;
