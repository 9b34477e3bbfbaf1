import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { failureLine } from '../../bench/prereqs.js';
import { ColdlabError } from '../../src/util/errors.js';

// A bench section that cannot run says why in one line (message and hint), never with a stack trace.
describe('bench prerequisites', () => {
  it('a failed section is one line with the error and its hint', () => {
    const line = failureLine('wasm', new ColdlabError('WASM_X', 'module m: no such file', 'npm run build:wasm'));
    expect(line).toBe('wasm: not measured, module m: no such file (hint: npm run build:wasm)');
    expect(failureLine('microvm', new Error('boom'))).toBe('microvm: not measured, boom');
  });

  it('scripts/bench-env.sh refuses a section it does not know with a usage line and exit code 2', async () => {
    const run = await execa('bash', ['scripts/bench-env.sh', 'nonsense'], { reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^usage: bash scripts\/bench-env.sh gateway\|wasm$/);
  });
});
