/**
 * The one place commands touch the outside world (STYLE.md #5): output streams, environment, signals.
 * Tests pass their own IO and run commands in-process.
 */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
  /** Progress output goes here (stderr on a terminal). */
  progressStream?: NodeJS.WritableStream;
}

/**
 * A stream whose reader went away (`coldlab doctor | head -1`) takes no more writes: the command ends as it
 * would have (cleanup included), quietly, instead of dying of an unhandled EPIPE under `set -o pipefail`.
 */
function pipeWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

export function processIO(): IO {
  return {
    out: pipeWriter(process.stdout),
    err: pipeWriter(process.stderr),
    isTTY: Boolean(process.stderr.isTTY) && process.env.CI !== 'true',
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    progressStream: process.stderr,
  };
}
