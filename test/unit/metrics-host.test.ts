import { describe, expect, it } from 'vitest';
import { hostInfo } from '../../src/metrics/host.js';

describe('hostInfo', () => {
  it('fingerprints this host within about a second', async () => {
    const started = performance.now();
    const host = await hostInfo();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(host.node).toBe(process.version);
    expect(host.cores).toBeGreaterThan(0);
    expect(host.memoryBytes).toBeGreaterThan(0);
    expect(host.cpuModel).not.toBe('');
    expect(host.kernel).not.toBe('');
    expect([1, 2, null]).toContain(host.cgroupVersion);
  });
});
