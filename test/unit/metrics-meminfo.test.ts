import { describe, expect, it } from 'vitest';
import { parseMeminfo, readMeminfo } from '../../src/metrics/meminfo.js';

const SAMPLE = `MemTotal:       24683316 kB
MemFree:        20512340 kB
MemAvailable:   23123456 kB
Buffers:           81236 kB
Cached:          2378732 kB
SwapCached:            0 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
DirectMap1G:    25165824 kB
not a line
`;

describe('parseMeminfo', () => {
  it('reads kB values by key, and plain counts as numbers', () => {
    const info = parseMeminfo(SAMPLE);
    expect(info).toMatchObject({ MemTotal: 24683316, MemFree: 20512340, MemAvailable: 23123456, Cached: 2378732, SwapCached: 0, HugePages_Total: 0, Hugepagesize: 2048 });
    expect(Object.keys(info)).not.toContain('not a line');
  });

  it('reads this host', async () => {
    const info = await readMeminfo();
    expect(info.MemTotal).toBeGreaterThan(0);
    expect(info.MemAvailable).toBeLessThanOrEqual(info.MemTotal ?? 0);
  });
});
