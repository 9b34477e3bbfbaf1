#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('coldlab: dist/ is missing — run `npm install` (or `npm run build`) in the coldlab folder first\n');
  process.exit(1);
}
// In a checkout (an installed package has no src/), a source edited after the last build would not run: the
// figures would be the old code's. Said once, on stderr.
const src = fileURLToPath(new URL('../src/', import.meta.url));
if (existsSync(src)) {
  const built = statSync(entry).mtimeMs;
  const stale = readdirSync(src, { recursive: true }).find((name) => String(name).endsWith('.ts') && statSync(`${src}${name}`).mtimeMs > built);
  if (stale) process.stderr.write(`coldlab: src/${stale} is newer than dist/ — this runs the last build; run \`npm run build\` first\n`);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
