import type { IO } from '../../src/cli/io.js';

/** An in-process IO that captures output, so CLI tests assert exit codes and text without spawning. */
export function captureIO(cwd = process.cwd()): IO & { stdout(): string; stderr(): string; interrupt(): void } {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTTY: false,
    env: { ...process.env },
    cwd,
    onInterrupt: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    stdout: () => out,
    stderr: () => err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}
