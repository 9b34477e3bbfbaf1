import { execa } from 'execa';

// The Wasm fixtures are built from source once per test run (quick when up to date); CI builds them for real.
export default async function setup(): Promise<void> {
  await execa('npx', ['tsx', 'scripts/build-wasm.ts'], { stdio: 'inherit' });
}
