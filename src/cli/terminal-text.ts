/**
 * Text from outside (file names, hyperparameter names, error messages quoting them) made safe to
 * print on a terminal: C0 and C1 control characters — escape sequences that recolour, move the
 * cursor, clear the screen or retitle the window — are written as visible escapes (`\x1b`,
 * `\u009b`), so a file named `a\x1b[2J` cannot wipe the user's screen. Line feeds and tabs, which
 * bandster's own multi-line messages use, are kept unless `keepLines` is false.
 */
export function forTerminal(text: string, { keepLines = true }: { readonly keepLines?: boolean } = {}): string {
  return text.replace(keepLines ? CONTROL_BUT_LINES : CONTROL, escapeCharacter);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0);
  if (character === '\n') return '\\n';
  if (character === '\t') return '\\t';
  if (character === '\r') return '\\r';
  return code <= 0xff && code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Writes `text` to stdout with its control characters escaped (see {@link forTerminal}). */
export function printOut(text: string): void {
  process.stdout.write(forTerminal(text));
}

/** Writes `text` to stderr with its control characters escaped (see {@link forTerminal}). */
export function printErr(text: string): void {
  process.stderr.write(forTerminal(text));
}
