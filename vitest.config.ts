import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes, engines and browsers; running files one at a time keeps
    // their timings from disturbing each other on a 2-core machine.
    fileParallelism: false,
    reporters: ['default'],
    globalSetup: ['test/setup/wasm-fixtures.ts'],
  },
});
