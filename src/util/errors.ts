/** One table of exit codes (DESIGN.md): scripts and CI rely on these numbers. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  runtimeUnavailable: 3,
  runInvalid: 4,
  gateFailed: 99,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: a stable code, a message, a hint, and the exit code it maps to. */
export class ColdlabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly exitCode: ExitCode = EXIT.internal,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ColdlabError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
