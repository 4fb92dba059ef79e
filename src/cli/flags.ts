import { type Command, InvalidArgumentError, Option } from 'commander';
import { BandsterError } from '../core/errors.js';

/**
 * One command-line flag that sets one field of a library options type. The table is typed against
 * that type (vitest's CLI does the same), so a flag cannot drift from the option it sets: the key
 * must be a field of the options and `parse` must produce that field's type.
 */
export interface Flag<Value> {
  /** Commander's flag syntax, e.g. `--min-budget <n>`; a boolean flag has no argument. */
  readonly flag: string;
  readonly description: string;
  /** Turns the text into the option's value; the error names the flag and the text. */
  readonly parse?: (text: string, flag: string) => Value;
  /** Allowed values, shown in --help and checked by commander. */
  readonly choices?: readonly string[];
  readonly required?: boolean;
  /** Shown in --help; the value itself comes from the library's defaults when the flag is absent. */
  readonly defaultText?: string;
  /**
   * A default applied by the command itself (only where the command's default differs from the
   * library's, e.g. a log directory).
   */
  readonly default?: Value;
}

/** Flags for some of the fields of `Options`, keyed by the field they set. */
export type FlagTable<Options> = { readonly [Key in keyof Options]?: Flag<NonNullable<Options[Key]>> };

/** The name of a flag without dashes or argument, e.g. `min-budget` for `--min-budget <n>`. */
function longName(flag: string): string {
  const match = /--([a-z0-9-]+)/.exec(flag);
  if (!match) throw new Error(`flag ${JSON.stringify(flag)} has no long name`);
  return match[1];
}

/** Commander's attribute for a flag: `--min-budget` → `minBudget`. */
function attributeOf(flag: string): string {
  return longName(flag).replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Adds every flag of `table` to `command`. */
export function addFlags<Options>(command: Command, table: FlagTable<Options>): Command {
  for (const entry of Object.values(table) as Flag<unknown>[]) {
    const option = new Option(entry.flag, entry.description);
    const name = `--${longName(entry.flag)}`;
    if (entry.parse) {
      const parse = entry.parse;
      option.argParser((text: string) => parse(text, name));
    }
    if (entry.choices) option.choices(entry.choices);
    if (entry.required) option.makeOptionMandatory(true);
    if (entry.default !== undefined) option.default(entry.default, entry.defaultText);
    else if (entry.defaultText !== undefined) option.default(undefined, entry.defaultText);
    command.addOption(option);
  }
  return command;
}

/** The options `table`'s flags set, read from commander's parsed values; absent flags stay absent. */
export function readFlags<Options>(values: Readonly<Record<string, unknown>>, table: FlagTable<Options>): Partial<Options> {
  const options: Partial<Record<keyof Options, unknown>> = {};
  for (const [key, entry] of Object.entries(table) as [keyof Options, Flag<unknown>][]) {
    const value = values[attributeOf(entry.flag)];
    if (value !== undefined) options[key] = value;
  }
  return options as Partial<Options>;
}

/**
 * Rewrites a library error's `options.<field>` into the flag that set it, so that the user reads
 * `--min-budget must be …`, not the API's field name.
 */
export function inFlagTerms(error: unknown, ...tables: readonly FlagTable<unknown>[]): unknown {
  if (!(error instanceof BandsterError)) return error;
  let message = error.message;
  for (const table of tables) {
    for (const [key, entry] of Object.entries(table as Record<string, Flag<unknown>>)) {
      message = message.replaceAll(new RegExp(`options\\.${key}\\b`, 'g'), `--${longName(entry.flag)}`);
    }
  }
  if (message !== error.message) error.message = message;
  return error;
}

/** A parser for a finite number, whose error names the flag and the text. */
export function number(text: string, flag: string): number {
  const parsed = Number(text);
  if (text.trim() === '' || !Number.isFinite(parsed))
    throw new InvalidArgumentError(`${flag} must be a number (got ${JSON.stringify(text)})`);
  return parsed;
}

/** A parser for an integer, whose error names the flag and the text. */
export function integer(text: string, flag: string): number {
  const parsed = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`${flag} must be an integer (got ${JSON.stringify(text)})`);
  }
  return parsed;
}

/** A parser for a non-empty string (a path, a URL, a name). */
export function text(value: string, flag: string): string {
  if (value === '') throw new InvalidArgumentError(`${flag} must not be empty`);
  return value;
}
