// ESC sequences (colours, cursor moves, OSC titles and links) first, so their printable tails go with them.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from scenarios, results files and functions (names, error messages, stderr) as it may be printed:
 * a name must not clear the screen, move the cursor, retitle the terminal or hide what follows it.
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '');
}
