import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

// The launcher in a checkout whose src/ changed after the last build: it says so, since the run would be the
// old code's. A stand-in dist/ (one main that prints "ran") in a scratch folder: the launcher itself is real.
function layout(withSrc: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'coldlab-stale-'));
  mkdirSync(join(root, 'bin'));
  cpSync('bin/coldlab.mjs', join(root, 'bin/coldlab.mjs'));
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/cli/main.js'), "export async function main() { console.log('ran'); return 0; }\n");
  utimesSync(join(root, 'dist/cli/main.js'), new Date(1_000_000), new Date(1_000_000));
  if (withSrc) {
    mkdirSync(join(root, 'src/cli'), { recursive: true });
    writeFileSync(join(root, 'src/cli/main.ts'), '');
  }
  return root;
}

describe('bin/coldlab.mjs and a stale dist/', () => {
  it('names a source newer than the build, and still runs; an installed package (no src/) says nothing', async () => {
    for (const withSrc of [true, false]) {
      const root = layout(withSrc);
      try {
        const run = await execa(process.execPath, [join(root, 'bin/coldlab.mjs')]);
        expect(run.stdout).toBe('ran');
        if (withSrc) expect(run.stderr).toMatch(/src\/cli\/main\.ts is newer than dist\/ .*npm run build/);
        else expect(run.stderr).toBe('');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  });
});
