import type { InstanceRecord } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { formatBytes, formatCount, formatMs } from '../present/format.js';

/** Beyond this many instances the table starts folded, so one big variant does not bury the others. */
const OPEN_UP_TO = 20;

const ms = (value: number | undefined): SafeHtml => (value === undefined ? html`<td class="none">—</td>` : html`<td>${formatMs(value)}</td>`);

// Wasm starts have compile and instantiate steps; other runtimes' tables keep their six columns.
const hasWasmSteps = (instances: InstanceRecord[]): boolean => instances.some((i) => i.start?.compileMs !== undefined || i.start?.instantiateMs !== undefined);

function row(i: InstanceRecord, wasm: boolean): SafeHtml {
  const reason = i.coldReason === 'keepalive-expired' ? 'keep-alive expired' : i.coldReason;
  return html`<tr>
    <td><code>${i.id}</code></td>
    <td class="left">${i.provisioned ? 'yes' : html`<span class="none">no</span>`}</td>
    <td class="left">${reason}</td>
    ${ms(i.start?.fetchMs)}${wasm ? html`${ms(i.start?.compileMs)}${ms(i.start?.instantiateMs)}` : ''}${ms(i.start?.createMs)}${ms(i.start?.startMs)}${ms(i.start?.bootMs)}${ms(i.start?.initMs)}${ms(i.start?.totalMs)}
    <td>${formatCount(i.requests)}</td>
    <td>${i.peakMemoryBytes === undefined ? html`<span class="none">—</span>` : formatBytes(i.peakMemoryBytes)}</td>
    ${ms(i.cpuUsageUs === undefined ? undefined : i.cpuUsageUs / 1000)}${ms(i.cpuThrottledUs === undefined ? undefined : i.cpuThrottledUs / 1000)}
    <td class="left">${i.stopReason ?? html`<span class="none">running</span>`}${i.error ? html`<span class="u">${i.error}</span>` : ''}</td>
  </tr>`;
}

/** Every instance's life: why it started, where its start time went, how much it served and why it stopped. */
export function renderInstances(instances: InstanceRecord[]): SafeHtml {
  if (instances.length === 0) return html`<h3>Instances</h3><p class="none">No instance was started.</p>`;
  const wasm = hasWasmSteps(instances);
  const table = html`<div class="scroll"><table class="instances">
    <thead>
      <tr><th rowspan="2">id</th><th rowspan="2" class="left">provisioned</th><th rowspan="2" class="left">cold reason</th><th colspan="${wasm ? 8 : 6}" class="group">start breakdown, ms</th><th rowspan="2">requests</th><th colspan="3" class="group">from its cgroup</th><th rowspan="2" class="left">stop reason</th></tr>
      <tr><th>fetch</th>${wasm ? html`<th>compile</th><th>instantiate</th>` : ''}<th>create</th><th>start</th><th>boot</th><th>init</th><th>total</th><th>peak memory</th><th>CPU ms</th><th>throttled ms</th></tr>
    </thead>
    <tbody>${instances.map((i) => row(i, wasm))}</tbody>
  </table></div>`;
  if (instances.length <= OPEN_UP_TO) return html`<h3>Instances (${instances.length})</h3>${table}`;
  return html`<h3>Instances (${instances.length})</h3><details><summary>show all ${instances.length} instances</summary>${table}</details>`;
}
