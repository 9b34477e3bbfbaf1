// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from scenarios, results files and functions (names, error messages, stderr) as it may be printed:
 * without its control characters, a name cannot clear the screen, move the cursor, retitle the terminal
 * or hide what follows it (what is left of an escape sequence is plain text).
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, '');
}
