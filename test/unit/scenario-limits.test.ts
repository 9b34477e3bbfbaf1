import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { countVariants, expandVariants } from '../../src/scenario/matrix.js';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';
import { LIMITS } from '../../src/scenario/limits.js';

// The variant cap counts without expanding; it must count what the expansion builds, whatever keys the matrix gains.
describe('scenario limits', () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  it.each(files)('%s: the variant count matches the expansion', async (file) => {
    const { scenario } = await loadScenario(join('scenarios', file));
    expect(countVariants(scenario)).toBe(expandVariants(scenario, { hostCores: 2 }).length);
  });

  it('upper limits reach the JSON Schema that editors read', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    for (const bound of [LIMITS.rate, LIMITS.burstSize, LIMITS.burstCount, LIMITS.connections, LIMITS.phaseDurationMs, LIMITS.keepAliveMs, LIMITS.requestTimeoutMs, LIMITS.repetitions, LIMITS.instances, LIMITS.memoryMbMax]) {
      expect(text).toContain(`"maximum":${bound}`);
    }
    expect(text).toContain(`"maxItems":${LIMITS.phases}`);
  });
});
