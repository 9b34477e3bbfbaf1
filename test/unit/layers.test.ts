import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { createRequire } from 'node:module';

// The folder rules of DESIGN.md live in .dependency-cruiser.cjs; this runs them on src/ as `npm test` goes.
describe('layers', () => {
  it('src/ imports only downward, with no cycles and no folder without a layer', async () => {
    const run = await execa('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { reject: false });
    expect(run.stdout + run.stderr).toContain('no dependency violations found');
    expect(run.exitCode).toBe(0);
  }, 120_000);

  it('the config lists no exceptions', () => {
    const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: Array<{ from: { pathNot?: string } }>; allowed?: unknown };
    const rules = config.forbidden;
    expect(config.allowed).toBeUndefined();
    // Only the rule that makes every folder have a layer may use pathNot (it names the layered folders).
    expect(rules.filter((r) => r.from.pathNot !== undefined)).toHaveLength(1);
  });
});
