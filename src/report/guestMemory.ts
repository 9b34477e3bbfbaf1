import type { InstanceRecord } from '../results/model.js';
import { html, type SafeHtml } from '../present/escape.js';
import { formatBytes } from '../present/format.js';

const kb = (value: number): string => formatBytes(value * 1024);

/** microVM instances: memory as the guest saw it beside what QEMU held on the host (its overhead included). */
export function renderGuestMemory(instances: InstanceRecord[]): SafeHtml | '' {
  const vms = instances.filter((i) => i.guestMemory !== undefined || i.sandboxRssBytes !== undefined);
  if (vms.length === 0) return '';
  return html`<h3>Guest memory</h3>
  <p class="legend">The guest's own /proc/meminfo (asked over its serial console) at its lowest MemAvailable, and the peak resident memory of its QEMU process on the host: guest RAM QEMU touched plus QEMU's own overhead (TCG code buffer, mapped kernel, devices).</p>
  <div class="scroll"><table class="instances">
    <thead><tr><th>id</th><th>guest MemTotal</th><th>guest MemAvailable</th><th>guest Cached</th><th>guest used</th><th>QEMU RSS (host)</th></tr></thead>
    <tbody>${vms.map((i) => {
      const g = i.guestMemory;
      return html`<tr><td><code>${i.id}</code></td>
        <td>${g ? kb(g.memTotalKb) : '—'}</td><td>${g ? kb(g.memAvailableKb) : '—'}</td><td>${g ? kb(g.cachedKb) : '—'}</td>
        <td>${g ? kb(g.memTotalKb - g.memAvailableKb) : '—'}</td>
        <td>${i.sandboxRssBytes === undefined ? '—' : formatBytes(i.sandboxRssBytes)}</td></tr>`;
    })}</tbody>
  </table></div>`;
}
