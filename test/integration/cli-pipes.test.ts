import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { resolve } from 'node:path';

// The built CLI in a shell pipeline whose reader stops after one line, as CI shells with pipefail run it.
const BIN = resolve(import.meta.dirname, '../../bin/coldlab.mjs');

describe('writing to a closed pipe', () => {
  for (const args of [['doctor'], ['run', 'scenarios/quickstart.yaml', 'scenarios/tuning.yaml', 'scenarios/capacity-planning.yaml', '--dry-run'], ['schema']]) {
    it(`coldlab ${args.join(' ')} | head -1 ends quietly with exit 0`, async () => {
      // `head -c 1` closes the pipe after one byte, before coldlab has written the rest.
      const r = await execa('bash', ['-o', 'pipefail', '-c', `node ${BIN} ${args.join(' ')} | head -c 1 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`], { reject: false, cwd: resolve(import.meta.dirname, '../..') });
      expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
      expect(r.stderr.trim()).toBe('exit=0');
      expect(r.exitCode).toBe(0);
    });
  }
});
