// Builds the Wasm fixtures from their sources (fixtures/wasm/*.wat|*.c and bad/…) into fixtures/wasm/build/:
// WAT through npm wabt, C through clang --target=wasm32-wasi with Debian's wasi-libc. Up-to-date modules are
// kept. Run by `npm run build:wasm` and by npm's pretest; CI builds them for real.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasm, isWasmSource } from '../src/runtimes/wasm/build.js';
import { ColdlabError } from '../src/util/errors.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/wasm');

async function main(): Promise<void> {
  let built = 0;
  for (const folder of ['', 'bad']) {
    const names = await readdir(join(root, folder));
    await mkdir(join(root, 'build', folder), { recursive: true });
    for (const name of names.filter((n) => isWasmSource(n))) {
      const out = join(root, 'build', folder, `${basename(name, extname(name))}.wasm`);
      if (await buildWasm(join(root, folder, name), out)) built++;
    }
  }
  // The invalid-bytes fixture is a text file on purpose: copied under a .wasm name.
  await copyFile(join(root, 'bad/invalid.wasm.txt'), join(root, 'build/bad/invalid.wasm'));
  console.log(`build:wasm: ${built} module(s) built, the rest up to date (${join(root, 'build')})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ColdlabError ? `build:wasm: ${error.message}\n  hint: ${error.hint ?? ''}` : error);
  process.exit(1);
});
