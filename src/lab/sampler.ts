import type { Pool } from '../platform/pool.js';
import type { Timeline } from '../results/timeline.js';
import type { InstanceRecord } from '../results/model.js';
import { readCgroupStats } from '../metrics/cgroup.js';
import { readMeminfo } from '../metrics/meminfo.js';
import type { GuestMemory, Instance } from '../runtimes/types.js';
import { nowUs } from '../util/clock.js';

interface Peak {
  peakMemoryBytes?: number;
  cpuUsageUs?: number;
  cpuThrottledUs?: number;
  guestMemory?: GuestMemory;
  sandboxRssBytes?: number;
}

/**
 * Samples the host's /proc/meminfo and each live instance's cgroup once a second into the timeline,
 * and keeps each instance's peak memory and CPU time for its lifecycle record.
 */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly perInstance = new Map<string, Peak>();
  private busy = false;

  constructor(private readonly pool: Pool, private readonly timeline: Timeline) {}

  start(intervalMs = 1000): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sample();
  }

  /** Copies what was sampled into the pool's instance records. */
  annotate(records: InstanceRecord[]): InstanceRecord[] {
    return records.map((record) => ({ ...record, ...this.perInstance.get(record.id) }));
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const at = nowUs();
      const instances = this.pool.instances();
      let memory = 0;
      let measured = false;
      let cpuUs: number | undefined;
      let throttledUs: number | undefined;
      for (const instance of instances) {
        if (!instance.cgroup) continue;
        const stats = await readCgroupStats(instance.cgroup);
        const peak = this.perInstance.get(instance.id) ?? {};
        const usage = stats.memoryPeakBytes ?? stats.memoryBytes;
        if (usage !== undefined) peak.peakMemoryBytes = Math.max(peak.peakMemoryBytes ?? 0, usage);
        // The cgroup counters are cumulative: the timeline gets what was used since the last reading,
        // and an instance's first reading counts all it used since it started (its boot included).
        if (stats.cpuUsageUs !== undefined) {
          cpuUs = (cpuUs ?? 0) + Math.max(0, stats.cpuUsageUs - (peak.cpuUsageUs ?? 0));
          peak.cpuUsageUs = stats.cpuUsageUs;
        }
        if (stats.cpuThrottledUs !== undefined) {
          throttledUs = (throttledUs ?? 0) + Math.max(0, stats.cpuThrottledUs - (peak.cpuThrottledUs ?? 0));
          peak.cpuThrottledUs = stats.cpuThrottledUs;
        }
        this.perInstance.set(instance.id, peak);
        if (stats.memoryBytes !== undefined) {
          memory += stats.memoryBytes;
          measured = true;
        }
      }
      await Promise.all(instances.map((instance) => this.sampleSandbox(instance)));
      const meminfo = await readMeminfo().catch(() => undefined);
      this.timeline.gauge(at, {
        instances: this.pool.stats().alive,
        ...(meminfo?.MemAvailable !== undefined ? { hostMemAvailableKb: meminfo.MemAvailable } : {}),
        ...(meminfo?.Cached !== undefined ? { hostCachedKb: meminfo.Cached } : {}),
        ...(measured ? { instancesMemoryBytes: memory } : {}),
        ...(cpuUs !== undefined ? { instancesCpuUs: Math.round(cpuUs) } : {}),
        ...(throttledUs !== undefined ? { instancesThrottledUs: Math.round(throttledUs) } : {}),
      });
    } finally {
      this.busy = false;
    }
  }

  // A microVM's guest sees its own memory (asked over its console); QEMU's resident memory is what it costs the host.
  private async sampleSandbox(instance: Instance): Promise<void> {
    if (!instance.sandboxMemory) return;
    const { guest, hostRssBytes } = await instance.sandboxMemory().catch(() => ({}) as Awaited<ReturnType<NonNullable<Instance['sandboxMemory']>>>);
    const peak = this.perInstance.get(instance.id) ?? {};
    if (guest && (peak.guestMemory === undefined || guest.memAvailableKb < peak.guestMemory.memAvailableKb)) peak.guestMemory = guest;
    if (hostRssBytes !== undefined) peak.sandboxRssBytes = Math.max(peak.sandboxRssBytes ?? 0, hostRssBytes);
    this.perInstance.set(instance.id, peak);
  }
}
